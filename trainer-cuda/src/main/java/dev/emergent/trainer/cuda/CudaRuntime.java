package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** The CUDA runtime API (libcudart): devices, memory and copies. */
final class CudaRuntime {
  static final int ATTRIBUTE_MULTIPROCESSORS = 16;
  static final int ATTRIBUTE_CAPABILITY_MAJOR = 75;
  static final int ATTRIBUTE_CAPABILITY_MINOR = 76;
  private static final int HOST_TO_DEVICE = 1;
  private static final int DEVICE_TO_HOST = 2;
  private static final int DEVICE_TO_DEVICE = 3;

  private final MethodHandle runtimeVersion;
  private final MethodHandle driverVersion;
  private final MethodHandle deviceCount;
  private final MethodHandle setDevice;
  private final MethodHandle attribute;
  private final MethodHandle memoryInfo;
  private final MethodHandle malloc;
  private final MethodHandle free;
  private final MethodHandle memcpy;
  private final MethodHandle memset;
  private final MethodHandle synchronize;
  private final MethodHandle errorName;
  private final MethodHandle errorString;

  CudaRuntime(NativeLibrary library) {
    FunctionDescriptor intOut = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    runtimeVersion = library.function("cudaRuntimeGetVersion", intOut);
    driverVersion = library.function("cudaDriverGetVersion", intOut);
    deviceCount = library.function("cudaGetDeviceCount", intOut);
    setDevice = library.function("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    attribute =
        library.function(
            "cudaDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    memoryInfo =
        library.function("cudaMemGetInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    malloc = library.function("cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    free = library.function("cudaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    memcpy =
        library.function(
            "cudaMemcpy", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    memset =
        library.function(
            "cudaMemset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    synchronize = library.function("cudaDeviceSynchronize", FunctionDescriptor.of(JAVA_INT));
    errorName = library.function("cudaGetErrorName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    errorString = library.function("cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  /** The runtime's version, 1000 × major + 10 × minor (13000 for CUDA 13.0). */
  int version() {
    return readInt(runtimeVersion, "cudaRuntimeGetVersion");
  }

  /** The newest CUDA version the installed driver supports; 0 when there is no driver. */
  int driverVersion() {
    return readInt(driverVersion, "cudaDriverGetVersion");
  }

  int deviceCount() {
    return readInt(deviceCount, "cudaGetDeviceCount");
  }

  void setDevice(int device) {
    Calls.check(setDevice, "cudaSetDevice(" + device + ")", this::describe, device);
  }

  int attribute(int attribute, int device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_INT);
      Calls.check(
          this.attribute, "cudaDeviceGetAttribute", this::describe, value, attribute, device);
      return value.get(JAVA_INT, 0);
    }
  }

  long totalMemory() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment free = arena.allocate(JAVA_LONG);
      MemorySegment total = arena.allocate(JAVA_LONG);
      Calls.check(memoryInfo, "cudaMemGetInfo", this::describe, free, total);
      return total.get(JAVA_LONG, 0);
    }
  }

  MemorySegment allocate(long bytes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pointer = arena.allocate(ADDRESS);
      Calls.check(malloc, "cudaMalloc(" + bytes + " bytes)", this::describe, pointer, bytes);
      return pointer.get(ADDRESS, 0);
    }
  }

  void free(MemorySegment device) {
    Calls.check(free, "cudaFree", this::describe, device);
  }

  void toDevice(MemorySegment device, MemorySegment host, long bytes) {
    Calls.check(
        memcpy, "cudaMemcpy to the device", this::describe, device, host, bytes, HOST_TO_DEVICE);
  }

  void toHost(MemorySegment host, MemorySegment device, long bytes) {
    Calls.check(
        memcpy, "cudaMemcpy to the host", this::describe, host, device, bytes, DEVICE_TO_HOST);
  }

  void onDevice(MemorySegment to, MemorySegment from, long bytes) {
    Calls.check(
        memcpy, "cudaMemcpy on the device", this::describe, to, from, bytes, DEVICE_TO_DEVICE);
  }

  void zero(MemorySegment device, long bytes) {
    Calls.check(memset, "cudaMemset", this::describe, device, 0, bytes);
  }

  /** Waits for the device's work; an asynchronous error of an earlier launch surfaces here. */
  void synchronize() {
    Calls.check(synchronize, "cudaDeviceSynchronize", this::describe);
  }

  /** e.g. "cudaErrorNoDevice (no CUDA-capable device is detected)". */
  String describe(int status) {
    return Calls.string(Calls.invoke(errorName, status))
        + " ("
        + Calls.string(Calls.invoke(errorString, status))
        + ")";
  }

  private int readInt(MethodHandle function, String call) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_INT);
      Calls.check(function, call, this::describe, value);
      return value.get(JAVA_INT, 0);
    }
  }
}
