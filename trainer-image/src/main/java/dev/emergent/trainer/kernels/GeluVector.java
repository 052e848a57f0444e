package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.splitVectors;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link GeluKernel} on float vectors; each method returns how many leading elements it did. */
final class GeluVector {
  private static final float C = (float) GeluKernel.C;
  private static final float A = (float) GeluKernel.A;

  private GeluVector() {}

  static int forward(INDArray xs, INDArray ys, INDArray ts, int n) {
    ByteBuffer x = Memory.of(xs);
    ByteBuffer y = Memory.of(ys);
    ByteBuffer t = Memory.of(ts);
    return splitVectors(
        n,
        3,
        (from, to) -> {
          for (int i = from; i < to; i += WIDTH) {
            int at = i << 2;
            FloatVector v = FloatVector.fromByteBuffer(S, x, at, ORDER);
            FloatVector tanh = tanhOf(v.mul(v).fma(A, 1f).mul(v).mul(C));
            tanh.intoByteBuffer(t, at, ORDER);
            tanh.add(1f).mul(v).mul(0.5f).intoByteBuffer(y, at, ORDER);
          }
        });
  }

  static int backward(INDArray dys, INDArray xs, INDArray ts, INDArray dxs, int n) {
    ByteBuffer dy = Memory.of(dys);
    ByteBuffer x = Memory.of(xs);
    ByteBuffer t = Memory.of(ts);
    ByteBuffer dx = Memory.of(dxs);
    return splitVectors(
        n,
        4,
        (from, to) -> {
          for (int i = from; i < to; i += WIDTH) {
            int at = i << 2;
            FloatVector v = FloatVector.fromByteBuffer(S, x, at, ORDER);
            FloatVector tanh = FloatVector.fromByteBuffer(S, t, at, ORDER);
            FloatVector slope = v.mul(v).fma(3 * A, 1f).mul(v).mul(0.5f * C);
            FloatVector local = tanh.mul(tanh).neg().add(1f).fma(slope, tanh.add(1f).mul(0.5f));
            local.mul(FloatVector.fromByteBuffer(S, dy, at, ORDER)).intoByteBuffer(dx, at, ORDER);
          }
        });
  }

  /** tanh(u) = 1 − 2/(e^(2u) + 1): saturates to ±1 where e^(2u) overflows or vanishes. */
  private static FloatVector tanhOf(FloatVector u) {
    FloatVector e = Lanes.exp(u.mul(2f)).add(1f);
    return FloatVector.broadcast(S, 2f).div(e).neg().add(1f);
  }
}
