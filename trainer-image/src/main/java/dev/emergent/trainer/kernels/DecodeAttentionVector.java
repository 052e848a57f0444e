package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** {@link DecodeAttentionKernel} with the head-size loops on float vectors. */
final class DecodeAttentionVector {
  private DecodeAttentionVector() {}

  static void attend(
      DecodeAttentionKernel.Shape shape,
      float[] packed,
      float[] keys,
      float[] values,
      float[] out) {
    int hd = shape.headDim();
    int width = shape.width();
    int bound = S.loopBound(hd);
    float scale = (float) (1 / Math.sqrt(hd));
    float[] weights = new float[shape.position() + 1];
    for (int b = 0; b < shape.rows(); b++) {
      for (int h = 0; h < shape.heads(); h++) {
        int query = b * 3 * width + h * hd;
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t <= shape.position(); t++) {
          int key = (b * shape.cachePositions() + t) * width + h * hd;
          FloatVector dots = FloatVector.zero(S);
          for (int j = 0; j < bound; j += WIDTH) {
            dots =
                FloatVector.fromArray(S, packed, query + j)
                    .fma(FloatVector.fromArray(S, keys, key + j), dots);
          }
          float dot = dots.reduceLanes(VectorOperators.ADD);
          for (int j = bound; j < hd; j++) {
            dot += packed[query + j] * keys[key + j];
          }
          weights[t] = dot * scale;
          max = Math.max(max, weights[t]);
        }
        float sum = 0;
        for (int t = 0; t <= shape.position(); t++) {
          weights[t] = (float) Math.exp(weights[t] - max);
          sum += weights[t];
        }
        int target = b * width + h * hd;
        java.util.Arrays.fill(out, target, target + hd, 0f);
        for (int t = 0; t <= shape.position(); t++) {
          int value = (b * shape.cachePositions() + t) * width + h * hd;
          float weight = weights[t] / sum;
          for (int j = 0; j < bound; j += WIDTH) {
            FloatVector.fromArray(S, values, value + j)
                .mul(weight)
                .add(FloatVector.fromArray(S, out, target + j))
                .intoArray(out, target + j);
          }
          for (int j = bound; j < hd; j++) {
            out[target + j] += weight * values[value + j];
          }
        }
      }
    }
  }
}
