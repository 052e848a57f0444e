package dev.emergent.trainer.compute;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A tensor of the CPU backend: an ND4J array in host memory. */
public record CpuTensor(INDArray array) implements Tensor {

  /**
   * The ND4J array of a CPU tensor, for the host-side code that works on one directly (the TCP
   * collectives, checkpoint files).
   */
  public static INDArray array(Tensor tensor) {
    if (tensor instanceof CpuTensor cpu) {
      return cpu.array();
    }
    throw new IllegalArgumentException(
        "a "
            + tensor.getClass().getSimpleName()
            + " is not in host memory; this needs a CPU tensor");
  }

  @Override
  public long[] shape() {
    return array.shape();
  }

  @Override
  public long length() {
    return array.length();
  }

  @Override
  public Tensor reshape(long... shape) {
    return new CpuTensor(array.reshape('c', shape));
  }

  @Override
  public Tensor slice(long offset, long... shape) {
    long length = Tensor.lengthOf(shape);
    if (array.rank() == 1) {
      return new CpuTensor(
          array.get(NDArrayIndex.interval(offset, offset + length)).reshape('c', shape));
    }
    // ND4J's interval of a reshaped view reads the wrong memory, so whole rows are cut as rows.
    long columns = array.size(1);
    if (array.rank() == 2 && offset % columns == 0 && length % columns == 0) {
      INDArray rows =
          array.get(
              NDArrayIndex.interval(offset / columns, (offset + length) / columns),
              NDArrayIndex.all());
      return new CpuTensor(rows.reshape('c', shape));
    }
    throw new IllegalArgumentException(
        "a slice of a CPU tensor is a range of a vector or whole rows of a matrix, not "
            + length
            + " elements at "
            + offset
            + " of "
            + array.shapeInfoToString());
  }
}
