package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime bindings against the real libcudart of the CUDA toolkit, on a machine without an
 * NVIDIA driver (these development machines): what works without one, and how its absence reads.
 */
class CudaRuntimeTest {
  private static final Path TOOLKIT = Path.of("/usr/local/cuda/lib64");
  private static CudaRuntime runtime;

  @BeforeAll
  static void loadTheToolkitsRuntime() {
    assumeTrue(
        Files.isRegularFile(TOOLKIT.resolve("libcudart.so.13")), "needs the CUDA 13 toolkit");
    assumeTrue(LibrarySearchTest.notOnTheLoadersPath("libcuda.so.1"), "runs where no driver is");
    runtime = new CudaRuntime(new LibrarySearch(List.of(TOOLKIT)).load(CudaLibrary.RUNTIME));
  }

  @Test
  void theRuntimeKnowsItsVersionAndThatNoDriverIsThere() {
    assertThat(runtime.version()).isBetween(13000, 13999);
    assertThat(CudaDevice.version(runtime.version())).startsWith("13.");
    assertThat(runtime.driverVersion()).isZero();
  }

  @Test
  void askingForDevicesWithoutADriverNamesTheError() {
    assertThatThrownBy(runtime::deviceCount)
        .isInstanceOf(CudaException.class)
        .hasMessageStartingWith("cudaGetDeviceCount failed: cudaErrorInsufficientDriver (");
  }

  @Test
  void statusCodesReadAsTheRuntimeNamesThem() {
    assertThat(runtime.describe(100))
        .isEqualTo("cudaErrorNoDevice (no CUDA-capable device is detected)");
    assertThat(runtime.describe(2)).startsWith("cudaErrorMemoryAllocation (");
  }
}
