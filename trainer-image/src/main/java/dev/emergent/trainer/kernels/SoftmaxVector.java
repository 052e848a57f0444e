package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.get;
import static dev.emergent.trainer.kernels.Lanes.put;
import static dev.emergent.trainer.kernels.Lanes.zero;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link CausalSoftmaxKernel} on float vectors, every row; returns the rows done. */
final class SoftmaxVector {
  private SoftmaxVector() {}

  static int forward(INDArray scores, int rows, int time) {
    ByteBuffer s = Memory.of(scores);
    Parallel.split(rows, 1, (long) rows * time, (from, to) -> forward(s, from, to, time));
    return rows;
  }

  static int backward(INDArray dprobs, INDArray probs, int rows, int time) {
    ByteBuffer dp = Memory.of(dprobs);
    ByteBuffer p = Memory.of(probs);
    Parallel.split(rows, 1, 2L * rows * time, (from, to) -> backward(dp, p, from, to, time));
    return rows;
  }

  private static void forward(ByteBuffer s, int from, int to, int time) {
    for (int r = from; r < to; r++) {
      int base = r * time;
      int seen = r % time + 1;
      int bound = S.loopBound(seen);
      float max = Lanes.max(s, base, seen);
      FloatVector sums = FloatVector.zero(S);
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (base + j) << 2;
        FloatVector e = Lanes.exp(FloatVector.fromByteBuffer(S, s, at, ORDER).sub(max));
        e.intoByteBuffer(s, at, ORDER);
        sums = sums.add(e);
      }
      float sum = Lanes.sum(sums);
      for (int j = bound; j < seen; j++) {
        float e = (float) Math.exp(get(s, base + j) - max);
        put(s, base + j, e);
        sum += e;
      }
      Lanes.scale(s, base, seen, 1 / sum);
      zero(s, base + seen, base + time);
    }
  }

  private static void backward(ByteBuffer dp, ByteBuffer p, int from, int to, int time) {
    for (int r = from; r < to; r++) {
      int base = r * time;
      int seen = r % time + 1;
      int bound = S.loopBound(seen);
      FloatVector dots = FloatVector.zero(S);
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (base + j) << 2;
        dots =
            FloatVector.fromByteBuffer(S, p, at, ORDER)
                .fma(FloatVector.fromByteBuffer(S, dp, at, ORDER), dots);
      }
      float dot = Lanes.sum(dots);
      for (int j = bound; j < seen; j++) {
        dot += get(p, base + j) * get(dp, base + j);
      }
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (base + j) << 2;
        FloatVector.fromByteBuffer(S, dp, at, ORDER)
            .sub(dot)
            .mul(FloatVector.fromByteBuffer(S, p, at, ORDER))
            .intoByteBuffer(dp, at, ORDER);
      }
      for (int j = bound; j < seen; j++) {
        put(dp, base + j, get(p, base + j) * (get(dp, base + j) - dot));
      }
      zero(dp, base + seen, base + time);
    }
  }
}
