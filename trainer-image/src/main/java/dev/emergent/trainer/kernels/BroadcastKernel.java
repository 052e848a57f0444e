package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A row added to every row of a matrix (biases, position embeddings) and its adjoint, the sums of a
 * matrix's columns (their gradients), each one pass over the matrix. As products with a vector of
 * ones they went through the BLAS's GEMM driver with an inner size of 1: a zeroing pass, packing
 * and a kernel call per tile, about a tenth of the small benchmark model's step.
 */
public final class BroadcastKernel {
  private BroadcastKernel() {}

  /** target = row + beta·target for every row of target [N, C]; row has C elements. */
  public static void addToEachRow(INDArray row, INDArray target, double beta) {
    int rows = (int) target.size(0);
    int cols = (int) target.size(1);
    requireLength(row, cols);
    int done =
        Vectorized.applies(row, target)
            ? BroadcastVector.addToEachRow(row, target, (float) beta, rows, cols)
            : 0;
    addToEachRow(Values.of(row), Values.of(target), beta, rows, cols, done, cols);
  }

  /** target += Σ_rows m for m [N, C] and a target of C elements. */
  public static void addColumnSums(INDArray m, INDArray target) {
    int rows = (int) m.size(0);
    int cols = (int) m.size(1);
    requireLength(target, cols);
    int done =
        Vectorized.applies(m, target) ? BroadcastVector.addColumnSums(m, target, rows, cols) : 0;
    addColumnSums(Values.of(m), Values.of(target), rows, cols, done, cols);
  }

  /** Columns [from, to) of every row. */
  static void addToEachRow(
      Values row, Values target, double beta, int rows, int cols, int from, int to) {
    for (int i = 0; i < rows; i++) {
      for (int j = from; j < to; j++) {
        int at = i * cols + j;
        target.set(at, beta == 0 ? row.get(j) : row.get(j) + beta * target.get(at));
      }
    }
  }

  /** Columns [from, to), each summed over the rows in order. */
  static void addColumnSums(Values m, Values target, int rows, int cols, int from, int to) {
    for (int j = from; j < to; j++) {
      double sum = target.get(j);
      for (int i = 0; i < rows; i++) {
        sum += m.get(i * cols + j);
      }
      target.set(j, sum);
    }
  }

  private static void requireLength(INDArray vector, int cols) {
    if (vector.length() != cols) {
      throw new IllegalArgumentException(
          "a row of " + vector.length() + " elements for a matrix of " + cols + " columns");
    }
  }
}
