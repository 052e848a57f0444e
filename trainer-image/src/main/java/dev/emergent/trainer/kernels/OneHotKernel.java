package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Rows that are 1 in one column and 0 elsewhere, written straight into the array's memory. */
public final class OneHotKernel {
  private OneHotKernel() {}

  /** Row i of matrix [N, V]: 1 in column ids[i]; the matrix must be zero before. */
  public static void set(INDArray zeroMatrix, int[] ids) {
    long width = zeroMatrix.size(1);
    if (zeroMatrix.size(0) != ids.length) {
      throw new IllegalArgumentException(
          ids.length + " ids for a matrix of " + zeroMatrix.size(0) + " rows");
    }
    Values values = Values.of(zeroMatrix);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= width) {
        throw new IllegalArgumentException(
            "id " + ids[i] + " is outside the " + width + " columns of a one-hot row");
      }
      values.set((int) (i * width + ids[i]), 1);
    }
  }
}
