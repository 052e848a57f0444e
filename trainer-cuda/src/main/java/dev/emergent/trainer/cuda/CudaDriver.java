package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The parts of the driver API (libcuda) the runtime API lacks: a device's name, and loading and
 * launching the kernels' fat binary. They run in the device's primary context, which the runtime
 * makes current.
 */
final class CudaDriver {
  private final MethodHandle init;
  private final MethodHandle deviceGet;
  private final MethodHandle deviceName;
  private final MethodHandle loadModule;
  private final MethodHandle moduleFunction;
  private final MethodHandle launch;
  private final MethodHandle errorName;
  private final MethodHandle errorString;

  CudaDriver(NativeLibrary library) {
    init = library.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    deviceGet = library.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    deviceName =
        library.function(
            "cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    loadModule =
        library.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    moduleFunction =
        library.function(
            "cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    launch =
        library.function(
            "cuLaunchKernel",
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    errorName =
        library.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    errorString =
        library.function("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    Calls.check(init, "cuInit", this::describe, 0);
  }

  String deviceName(int ordinal) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment device = arena.allocate(JAVA_INT);
      Calls.check(deviceGet, "cuDeviceGet(" + ordinal + ")", this::describe, device, ordinal);
      MemorySegment name = arena.allocate(256);
      Calls.check(
          deviceName, "cuDeviceGetName", this::describe, name, 256, device.get(JAVA_INT, 0));
      return name.getString(0);
    }
  }

  /** Loads a fat binary (or PTX) into the current context; the module lives as long as it. */
  MemorySegment loadModule(MemorySegment image) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment module = arena.allocate(ADDRESS);
      Calls.check(loadModule, "cuModuleLoadData", this::describe, module, image);
      return module.get(ADDRESS, 0);
    }
  }

  MemorySegment function(MemorySegment module, String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment function = arena.allocate(ADDRESS);
      Calls.check(
          moduleFunction,
          "cuModuleGetFunction(" + name + ")",
          this::describe,
          function,
          module,
          arena.allocateFrom(name));
      return function.get(ADDRESS, 0);
    }
  }

  /** Launches on the default stream; {@code parameters} points to one pointer per argument. */
  void launch(
      String kernel, MemorySegment function, int blocks, int threads, MemorySegment parameters) {
    Calls.check(
        launch,
        "cuLaunchKernel(" + kernel + ")",
        this::describe,
        function,
        blocks,
        1,
        1,
        threads,
        1,
        1,
        0,
        MemorySegment.NULL,
        parameters,
        MemorySegment.NULL);
  }

  String describe(int status) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocate(ADDRESS);
      MemorySegment text = arena.allocate(ADDRESS);
      if (Calls.status(errorName, status, name) != 0) {
        return "CUresult " + status;
      }
      Calls.status(errorString, status, text);
      return Calls.string(name.get(ADDRESS, 0)) + " (" + Calls.string(text.get(ADDRESS, 0)) + ")";
    }
  }
}
