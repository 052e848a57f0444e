package dev.emergent.trainer.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether the float kernels run on the Vector API: only when the JVM was started with {@code
 * --add-modules jdk.incubator.vector} (without it the classes of the vector kernels cannot load)
 * and its vectors still load from byte buffers, as in Java 17 (Java 20 replaced that with memory
 * segments, so the CUDA image's Java 25 runtime has not got it). Otherwise the scalar references
 * run instead, correct but several times slower.
 */
final class Vectorized {
  static final boolean AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && loadsFromByteBuffers()
          && !Boolean.getBoolean("emergent.kernels.scalar");

  private Vectorized() {}

  private static boolean loadsFromByteBuffers() {
    try {
      Class.forName("jdk.incubator.vector.FloatVector")
          .getMethod(
              "fromByteBuffer",
              Class.forName("jdk.incubator.vector.VectorSpecies"),
              ByteBuffer.class,
              int.class,
              ByteOrder.class);
      return true;
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return false;
    }
  }

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
