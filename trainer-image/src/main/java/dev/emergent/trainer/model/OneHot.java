package dev.emergent.trainer.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Fills one-hot rows: row i gets a 1 in column ids[i]. */
final class OneHot {
  private OneHot() {}

  static INDArray fill(INDArray matrix, int[] ids) {
    matrix.assign(0);
    for (int i = 0; i < ids.length; i++) {
      matrix.putScalar(i, ids[i], 1.0);
    }
    return matrix;
  }
}
