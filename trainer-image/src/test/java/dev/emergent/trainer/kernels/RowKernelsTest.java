package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The per-row index kernels the loss uses: arg max of logits and one-hot targets. */
class RowKernelsTest {
  @Test
  void argMaxIsTheFirstLargestColumnOfEachRow() {
    INDArray matrix =
        Nd4j.create(new float[][] {{1, 5, 5, 2}, {-3, -2, -9, -2}, {7, 0, 0, 0}, {0, 0, 0, 1}});
    assertThat(ArgMaxKernel.ofRows(matrix)).containsExactly(1, 1, 0, 3);
    assertThat(ArgMaxKernel.ofRows(matrix.castTo(DataType.DOUBLE))).containsExactly(1, 1, 0, 3);
  }

  @Test
  void oneHotRowsHoldASingleOne() {
    INDArray matrix = Nd4j.create(DataType.FLOAT, 3, 5);
    OneHotKernel.set(matrix, new int[] {4, 0, 4});
    assertThat(matrix.toFloatMatrix())
        .isEqualTo(new float[][] {{0, 0, 0, 0, 1}, {1, 0, 0, 0, 0}, {0, 0, 0, 0, 1}});
  }

  @Test
  void oneHotRefusesAnIdOutsideTheRow() {
    INDArray matrix = Nd4j.create(DataType.FLOAT, 2, 5);
    assertThatThrownBy(() -> OneHotKernel.set(matrix, new int[] {1, 5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id 5 is outside the 5 columns");
    assertThatThrownBy(() -> OneHotKernel.set(matrix, new int[] {1}))
        .hasMessageContaining("1 ids for a matrix of 2 rows");
  }
}
