package dev.emergent.trainer.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Shape helpers that ND4J leaves implicit. */
public final class Shapes {
  private Shapes() {}

  /** True when the array's elements are one dense row-major run of memory. */
  public static boolean isContiguous(INDArray array) {
    long expected = 1;
    for (int d = array.rank() - 1; d >= 0; d--) {
      if (array.size(d) != 1 && array.stride(d) != expected) {
        return false;
      }
      expected *= array.size(d);
    }
    return true;
  }

  /** Fails naming {@code user} unless the array is one dense row-major run of memory. */
  public static void requireContiguous(INDArray array, String user) {
    if (array.ordering() != 'c' || !isContiguous(array)) {
      throw new IllegalArgumentException(
          user + " needs a contiguous row-major array, got " + array.shapeInfoToString());
    }
  }
}
