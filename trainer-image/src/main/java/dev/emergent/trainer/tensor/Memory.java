package dev.emergent.trainer.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The memory of a contiguous row-major array as a native-order byte buffer over its elements. */
public final class Memory {
  private Memory() {}

  public static ByteBuffer of(INDArray array) {
    Shapes.requireContiguous(array, "native memory access");
    Pointer start = array.data().addressPointer();
    long first = start.position() * start.sizeof();
    long end = first + array.length() * array.data().getElementSize();
    BytePointer bytes = new BytePointer(start);
    bytes.capacity(end).limit(end).position(first);
    return bytes.asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** A zeroed native-order buffer of {@code floats} floats, outside any array. */
  public static ByteBuffer scratch(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
  }
}
