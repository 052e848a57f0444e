package dev.emergent.trainer.cuda;

import dev.emergent.trainer.compute.Accelerator;
import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import java.util.Locale;
import java.util.Map;

/**
 * A rank's GPU: the launcher gives each rank one through CUDA_VISIBLE_DEVICES, so it is always
 * device 0 here. Opening it loads the driver, the runtime and cuBLAS, and the kernels, so that
 * whatever is missing is named before any training starts.
 */
final class CudaDevice implements Accelerator {
  private static final int DEVICE = 0;

  private final CudaRuntime runtime;
  private final Cublas cublas;
  private final CudaKernels kernels;
  private final String description;

  private CudaDevice(LibrarySearch search, Map<String, String> env) {
    NativeLibrary driverLibrary = search.load(CudaLibrary.DRIVER);
    runtime = new CudaRuntime(search.load(CudaLibrary.RUNTIME));
    int devices = devices(runtime);
    if (devices == 0) {
      throw new AcceleratorUnavailableException(
          "cannot use cuda: the driver sees no GPU (CUDA_VISIBLE_DEVICES="
              + env.getOrDefault("CUDA_VISIBLE_DEVICES", "unset")
              + ")");
    }
    runtime.setDevice(DEVICE);
    // The driver API below needs the primary context current; a runtime call that waits on the
    // device creates it on every CUDA version.
    runtime.synchronize();
    CudaDriver driver = new CudaDriver(driverLibrary);
    NativeLibrary cublasLibrary = search.load(CudaLibrary.CUBLAS);
    cublas = new Cublas(cublasLibrary);
    kernels = new CudaKernels(driver);
    description =
        String.format(
            Locale.ROOT,
            "cuda device %d: %s, sm_%d%d, %d SMs, %.1f GiB, driver for CUDA %s, runtime %s, %s",
            DEVICE,
            driver.deviceName(DEVICE),
            runtime.attribute(CudaRuntime.ATTRIBUTE_CAPABILITY_MAJOR, DEVICE),
            runtime.attribute(CudaRuntime.ATTRIBUTE_CAPABILITY_MINOR, DEVICE),
            runtime.attribute(CudaRuntime.ATTRIBUTE_MULTIPROCESSORS, DEVICE),
            runtime.totalMemory() / (double) (1L << 30),
            version(runtime.driverVersion()),
            version(runtime.version()),
            cublasLibrary.file());
  }

  static CudaDevice open(Map<String, String> env) {
    return new CudaDevice(LibrarySearch.of(env), env);
  }

  /** The GPUs the driver shows this process; a runtime error (no driver, too old) says why not. */
  private static int devices(CudaRuntime runtime) {
    try {
      return runtime.deviceCount();
    } catch (CudaException e) {
      throw new AcceleratorUnavailableException(
          "cannot use cuda: "
              + e.getMessage()
              + "; the CUDA runtime is "
              + version(runtime.version()));
    }
  }

  static String version(int encoded) {
    return encoded / 1000 + "." + encoded % 1000 / 10;
  }

  CudaRuntime runtime() {
    return runtime;
  }

  Cublas cublas() {
    return cublas;
  }

  CudaKernels kernels() {
    return kernels;
  }

  /** The model's operations on this GPU. */
  CudaCompute compute() {
    return new CudaCompute(runtime, cublas, kernels);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    cublas.close();
  }
}
