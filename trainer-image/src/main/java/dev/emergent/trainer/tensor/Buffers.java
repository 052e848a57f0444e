package dev.emergent.trainer.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Activation buffers that are allocated once per shape and reused across steps. */
public final class Buffers {
  private Buffers() {}

  /** {@code current} when it already has this shape, otherwise a new zeroed array. */
  public static INDArray ensure(INDArray current, DataType dataType, long... shape) {
    if (current != null
        && current.dataType() == dataType
        && Arrays.equals(current.shape(), shape)) {
      return current;
    }
    return Nd4j.create(dataType, shape);
  }
}
