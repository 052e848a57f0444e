package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether the float kernels run on the Vector API: only when the JVM was started with {@code
 * --add-modules jdk.incubator.vector} (without it the classes of the vector kernels cannot load,
 * and the scalar references run instead, correct but several times slower).
 */
final class Vectorized {
  static final boolean AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && !Boolean.getBoolean("emergent.kernels.scalar");

  private Vectorized() {}

  /** True when every array is float and the vector kernels can run. */
  static boolean applies(INDArray... arrays) {
    if (!AVAILABLE) {
      return false;
    }
    for (INDArray array : arrays) {
      if (array.dataType() != DataType.FLOAT) {
        return false;
      }
    }
    return true;
  }
}
