package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A float array in the GPU's memory, freed by {@link #close}. */
final class DeviceArray implements DeviceMemory, AutoCloseable {
  private final CudaRuntime runtime;
  private final MemorySegment pointer;
  private final long length;
  private final long elementBytes;

  private DeviceArray(CudaRuntime runtime, long length, long elementBytes) {
    this.runtime = runtime;
    this.length = length;
    this.elementBytes = elementBytes;
    this.pointer = runtime.allocate(length * elementBytes);
  }

  static DeviceArray floats(CudaRuntime runtime, long length) {
    return new DeviceArray(runtime, length, Float.BYTES);
  }

  /** Room for {@code length} bf16 values, which only kernels and cuBLAS read and write. */
  static DeviceArray bf16(CudaRuntime runtime, long length) {
    return new DeviceArray(runtime, length, 2);
  }

  static DeviceArray of(CudaRuntime runtime, float[] values) {
    DeviceArray array = floats(runtime, values.length);
    array.upload(values);
    return array;
  }

  @Override
  public MemorySegment pointer() {
    return pointer;
  }

  long length() {
    return length;
  }

  void upload(float[] values) {
    checkFloats(values.length);
    try (Arena arena = Arena.ofConfined()) {
      runtime.toDevice(pointer, arena.allocateFrom(JAVA_FLOAT, values), length * Float.BYTES);
    }
  }

  float[] download() {
    checkFloats(length);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment host = arena.allocate(JAVA_FLOAT, length);
      runtime.toHost(host, pointer, length * Float.BYTES);
      return host.toArray(JAVA_FLOAT);
    }
  }

  @Override
  public void close() {
    runtime.free(pointer);
  }

  private void checkFloats(long count) {
    if (elementBytes != Float.BYTES || count != length) {
      throw new IllegalArgumentException(
          count
              + " floats do not fit a device array of "
              + length
              + " × "
              + elementBytes
              + " bytes");
    }
  }
}
