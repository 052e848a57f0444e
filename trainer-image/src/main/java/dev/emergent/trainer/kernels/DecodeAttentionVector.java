package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;

import jdk.incubator.vector.FloatVector;

/**
 * {@link DecodeAttentionKernel} on float vectors, its sequences split over threads. Per head: the
 * scores, their softmax with the Vector API's exp over all keys at once (not a scalar exp per key),
 * and the values mixed into registers that are stored once (not a read-modify-write of the output
 * per key).
 */
final class DecodeAttentionVector {
  private DecodeAttentionVector() {}

  static void attend(
      DecodeAttentionKernel.Shape shape,
      float[] packed,
      float[] keys,
      float[] values,
      float[] out) {
    long work = 2L * shape.rows() * shape.width() * (shape.position() + 1);
    Parallel.split(
        shape.rows(), 1, work, (from, to) -> attend(shape, packed, keys, values, out, from, to));
  }

  private static void attend(
      DecodeAttentionKernel.Shape shape,
      float[] packed,
      float[] keys,
      float[] values,
      float[] out,
      int from,
      int to) {
    int hd = shape.headDim();
    int width = shape.width();
    int seen = shape.position() + 1;
    float scale = (float) (1 / Math.sqrt(hd));
    float[] weights = new float[seen];
    for (int b = from; b < to; b++) {
      int cached = b * shape.cachePositions() * width;
      for (int h = 0; h < shape.heads(); h++) {
        int query = b * 3 * width + h * hd;
        scores(packed, query, keys, cached + h * hd, width, hd, scale, weights);
        normalize(weights);
        mix(weights, values, cached + h * hd, width, hd, out, b * width + h * hd);
      }
    }
  }

  /** weights[t] = scale · q·k_t for the keys at key + t·stride, q at query; hd values each. */
  private static void scores(
      float[] packed,
      int query,
      float[] keys,
      int key,
      int stride,
      int hd,
      float scale,
      float[] weights) {
    int bound = S.loopBound(hd);
    for (int t = 0; t < weights.length; t++) {
      int k = key + t * stride;
      FloatVector dots = FloatVector.zero(S);
      for (int j = 0; j < bound; j += WIDTH) {
        dots =
            FloatVector.fromArray(S, packed, query + j)
                .fma(FloatVector.fromArray(S, keys, k + j), dots);
      }
      float dot = Lanes.sum(dots);
      for (int j = bound; j < hd; j++) {
        dot += packed[query + j] * keys[k + j];
      }
      weights[t] = dot * scale;
    }
  }

  /** Softmax of the weights in place. */
  private static void normalize(float[] weights) {
    int n = weights.length;
    int bound = S.loopBound(n);
    float max = Float.NEGATIVE_INFINITY;
    for (float w : weights) {
      max = Math.max(max, w);
    }
    FloatVector sums = FloatVector.zero(S);
    for (int t = 0; t < bound; t += WIDTH) {
      FloatVector e = Lanes.exp(FloatVector.fromArray(S, weights, t).sub(max));
      e.intoArray(weights, t);
      sums = sums.add(e);
    }
    float sum = Lanes.sum(sums);
    for (int t = bound; t < n; t++) {
      weights[t] = (float) Math.exp(weights[t] - max);
      sum += weights[t];
    }
    float inverse = 1 / sum;
    for (int t = 0; t < n; t++) {
      weights[t] *= inverse;
    }
  }

  /** out[target..+hd) = Σ_t weights[t] · v_t for the values at value + t·stride. */
  private static void mix(
      float[] weights, float[] values, int value, int stride, int hd, float[] out, int target) {
    int bound = S.loopBound(hd);
    for (int j = 0; j < bound; j += WIDTH) {
      FloatVector sum = FloatVector.zero(S);
      for (int t = 0; t < weights.length; t++) {
        sum =
            FloatVector.fromArray(S, values, value + t * stride + j)
                .fma(FloatVector.broadcast(S, weights[t]), sum);
      }
      sum.intoArray(out, target + j);
    }
    for (int j = bound; j < hd; j++) {
      float sum = 0;
      for (int t = 0; t < weights.length; t++) {
        sum += weights[t] * values[value + t * stride + j];
      }
      out[target + j] = sum;
    }
  }
}
