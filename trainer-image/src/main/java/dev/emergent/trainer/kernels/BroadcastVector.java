package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BroadcastKernel} on float vectors over the columns that fill whole vectors; returns where
 * they end, for the scalar reference to do the rest.
 */
final class BroadcastVector {
  /** Vectors of columns summed side by side, so that each row's read covers whole cache lines. */
  private static final int BLOCK = 4;

  private BroadcastVector() {}

  static int addToEachRow(INDArray rowArray, INDArray targetArray, float beta, int rows, int cols) {
    ByteBuffer row = Memory.of(rowArray);
    ByteBuffer target = Memory.of(targetArray);
    int bound = S.loopBound(cols);
    Parallel.split(
        rows,
        1,
        (long) rows * cols,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            int base = i * cols;
            for (int j = 0; j < bound; j += WIDTH) {
              FloatVector r = FloatVector.fromByteBuffer(S, row, j << 2, ORDER);
              int at = (base + j) << 2;
              FloatVector sum =
                  beta == 0 ? r : FloatVector.fromByteBuffer(S, target, at, ORDER).mul(beta).add(r);
              sum.intoByteBuffer(target, at, ORDER);
            }
          }
        });
    return bound;
  }

  static int addColumnSums(INDArray mArray, INDArray targetArray, int rows, int cols) {
    ByteBuffer m = Memory.of(mArray);
    ByteBuffer target = Memory.of(targetArray);
    int bound = S.loopBound(cols);
    Parallel.split(
        bound,
        WIDTH,
        (long) rows * bound,
        (from, to) -> {
          int j = from;
          for (; j + BLOCK * WIDTH <= to; j += BLOCK * WIDTH) {
            sumBlock(m, target, rows, cols, j);
          }
          for (; j < to; j += WIDTH) {
            FloatVector sum = FloatVector.fromByteBuffer(S, target, j << 2, ORDER);
            for (int i = 0; i < rows; i++) {
              sum = sum.add(FloatVector.fromByteBuffer(S, m, (i * cols + j) << 2, ORDER));
            }
            sum.intoByteBuffer(target, j << 2, ORDER);
          }
        });
    return bound;
  }

  private static void sumBlock(ByteBuffer m, ByteBuffer target, int rows, int cols, int j) {
    FloatVector s0 = FloatVector.fromByteBuffer(S, target, j << 2, ORDER);
    FloatVector s1 = FloatVector.fromByteBuffer(S, target, (j + WIDTH) << 2, ORDER);
    FloatVector s2 = FloatVector.fromByteBuffer(S, target, (j + 2 * WIDTH) << 2, ORDER);
    FloatVector s3 = FloatVector.fromByteBuffer(S, target, (j + 3 * WIDTH) << 2, ORDER);
    for (int i = 0; i < rows; i++) {
      int at = i * cols + j;
      s0 = s0.add(FloatVector.fromByteBuffer(S, m, at << 2, ORDER));
      s1 = s1.add(FloatVector.fromByteBuffer(S, m, (at + WIDTH) << 2, ORDER));
      s2 = s2.add(FloatVector.fromByteBuffer(S, m, (at + 2 * WIDTH) << 2, ORDER));
      s3 = s3.add(FloatVector.fromByteBuffer(S, m, (at + 3 * WIDTH) << 2, ORDER));
    }
    s0.intoByteBuffer(target, j << 2, ORDER);
    s1.intoByteBuffer(target, (j + WIDTH) << 2, ORDER);
    s2.intoByteBuffer(target, (j + 2 * WIDTH) << 2, ORDER);
    s3.intoByteBuffer(target, (j + 3 * WIDTH) << 2, ORDER);
  }
}
