package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.splitVectors;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link SumKernel} on float vectors; returns how many leading elements it did. */
final class SumVector {
  private SumVector() {}

  static int sum(INDArray as, INDArray bs, INDArray outs, int n) {
    ByteBuffer a = Memory.of(as);
    ByteBuffer b = Memory.of(bs);
    ByteBuffer out = Memory.of(outs);
    return splitVectors(
        n,
        3,
        (from, to) -> {
          for (int i = from; i < to; i += WIDTH) {
            int at = i << 2;
            FloatVector.fromByteBuffer(S, a, at, ORDER)
                .add(FloatVector.fromByteBuffer(S, b, at, ORDER))
                .intoByteBuffer(out, at, ORDER);
          }
        });
  }
}
