package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.load;
import static dev.emergent.trainer.kernels.Lanes.store;

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
              FloatVector r = load(row, j);
              store(beta == 0 ? r : load(target, base + j).mul(beta).add(r), target, base + j);
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
            FloatVector sum = load(target, j);
            for (int i = 0; i < rows; i++) {
              sum = sum.add(load(m, i * cols + j));
            }
            store(sum, target, j);
          }
        });
    return bound;
  }

  private static void sumBlock(ByteBuffer m, ByteBuffer target, int rows, int cols, int j) {
    FloatVector s0 = load(target, j);
    FloatVector s1 = load(target, j + WIDTH);
    FloatVector s2 = load(target, j + 2 * WIDTH);
    FloatVector s3 = load(target, j + 3 * WIDTH);
    for (int i = 0; i < rows; i++) {
      int at = i * cols + j;
      s0 = s0.add(load(m, at));
      s1 = s1.add(load(m, at + WIDTH));
      s2 = s2.add(load(m, at + 2 * WIDTH));
      s3 = s3.add(load(m, at + 3 * WIDTH));
    }
    store(s0, target, j);
    store(s1, target, j + WIDTH);
    store(s2, target, j + 2 * WIDTH);
    store(s3, target, j + 3 * WIDTH);
  }
}
