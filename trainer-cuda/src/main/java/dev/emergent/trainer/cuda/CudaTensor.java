package dev.emergent.trainer.cuda;

import dev.emergent.trainer.compute.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * A float tensor of the CUDA backend: a view of one cudaMalloc'd allocation, which is freed once no
 * view of it is reachable (the layers drop activation buffers when shapes change, as on the CPU).
 */
final class CudaTensor implements Tensor, DeviceMemory {
  private static final Cleaner CLEANER = Cleaner.create();

  /** One allocation; its cleanup frees the device memory and must not reach the allocation. */
  static final class Allocation {
    private final long address;

    Allocation(CudaRuntime runtime, long bytes) {
      MemorySegment pointer = runtime.allocate(Math.max(bytes, Float.BYTES));
      long at = pointer.address();
      address = at;
      runtime.zero(pointer, Math.max(bytes, Float.BYTES));
      CLEANER.register(this, () -> runtime.free(MemorySegment.ofAddress(at)));
    }
  }

  private final Allocation allocation;
  private final long offset;
  private final long[] shape;
  private final long length;

  CudaTensor(Allocation allocation, long offset, long[] shape) {
    this.allocation = allocation;
    this.offset = offset;
    this.shape = shape.clone();
    this.length = Tensor.lengthOf(shape);
  }

  /** A new tensor of zeros in an allocation of its own. */
  static CudaTensor zeros(CudaRuntime runtime, long... shape) {
    return new CudaTensor(new Allocation(runtime, Tensor.lengthOf(shape) * Float.BYTES), 0, shape);
  }

  @Override
  public MemorySegment pointer() {
    return MemorySegment.ofAddress(allocation.address + offset * Float.BYTES);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Tensor reshape(long... shape) {
    CudaTensor reshaped = new CudaTensor(allocation, offset, shape);
    if (reshaped.length != length) {
      throw new IllegalArgumentException(
          Arrays.toString(shape) + " does not hold the " + length + " elements of " + this);
    }
    return reshaped;
  }

  @Override
  public Tensor slice(long offset, long... shape) {
    CudaTensor slice = new CudaTensor(allocation, this.offset + offset, shape);
    if (offset < 0 || offset + slice.length > length) {
      throw new IllegalArgumentException(
          slice.length + " elements at " + offset + " do not fit in " + this);
    }
    return slice;
  }

  @Override
  public String toString() {
    return "cuda tensor " + Arrays.toString(shape);
  }
}
