package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.get;
import static dev.emergent.trainer.kernels.Lanes.put;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link CrossEntropyKernel} on float vectors, every row; returns the rows done. */
final class CrossEntropyVector {
  private CrossEntropyVector() {}

  static int forward(
      INDArray logits, INDArray targets, INDArray scale, INDArray probs, double[] losses) {
    int rows = (int) logits.size(0);
    int width = (int) logits.size(1);
    ByteBuffer l = Memory.of(logits);
    ByteBuffer t = Memory.of(targets);
    ByteBuffer s = Memory.of(scale);
    ByteBuffer p = Memory.of(probs);
    Parallel.split(
        rows, 1, 3L * rows * width, (from, to) -> forward(l, t, s, p, losses, from, to, width));
    return rows;
  }

  static int backward(INDArray probs, INDArray targets, INDArray scale, INDArray dlogits) {
    int rows = (int) probs.size(0);
    int width = (int) probs.size(1);
    ByteBuffer p = Memory.of(probs);
    ByteBuffer t = Memory.of(targets);
    ByteBuffer s = Memory.of(scale);
    ByteBuffer d = Memory.of(dlogits);
    Parallel.split(rows, 1, 3L * rows * width, (from, to) -> backward(p, t, s, d, from, to, width));
    return rows;
  }

  private static void forward(
      ByteBuffer l,
      ByteBuffer t,
      ByteBuffer s,
      ByteBuffer p,
      double[] losses,
      int from,
      int to,
      int width) {
    int bound = S.loopBound(width);
    for (int r = from; r < to; r++) {
      int base = r * width;
      float max = Lanes.max(l, base, width);
      FloatVector sums = FloatVector.zero(S);
      FloatVector targets = FloatVector.zero(S);
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (base + j) << 2;
        FloatVector shifted = FloatVector.fromByteBuffer(S, l, at, ORDER).sub(max);
        FloatVector e = Lanes.exp(shifted);
        e.intoByteBuffer(p, at, ORDER);
        sums = sums.add(e);
        targets = FloatVector.fromByteBuffer(S, t, at, ORDER).fma(shifted, targets);
      }
      float sum = Lanes.sum(sums);
      float target = Lanes.sum(targets);
      for (int j = bound; j < width; j++) {
        float shifted = get(l, base + j) - max;
        float e = (float) Math.exp(shifted);
        put(p, base + j, e);
        sum += e;
        target += get(t, base + j) * shifted;
      }
      Lanes.scale(p, base, width, 1 / sum);
      losses[r] = get(s, r) * (Math.log(sum) - target);
    }
  }

  private static void backward(
      ByteBuffer p, ByteBuffer t, ByteBuffer s, ByteBuffer d, int from, int to, int width) {
    int bound = S.loopBound(width);
    for (int r = from; r < to; r++) {
      int base = r * width;
      float weight = get(s, r);
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (base + j) << 2;
        FloatVector.fromByteBuffer(S, p, at, ORDER)
            .sub(FloatVector.fromByteBuffer(S, t, at, ORDER))
            .mul(weight)
            .intoByteBuffer(d, at, ORDER);
      }
      for (int j = bound; j < width; j++) {
        put(d, base + j, (get(p, base + j) - get(t, base + j)) * weight);
      }
    }
  }
}
