package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import dev.emergent.trainer.compute.Accelerators;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer finds this backend on its class path and reports what the machine lacks. */
class CudaBackendTest {
  @Test
  void aMachineWithoutTheNvidiaDriverIsToldSoBeforeAnyTraining() {
    assumeTrue(LibrarySearchTest.notOnTheLoadersPath("libcuda.so.1"), "runs where no driver is");

    assertThatThrownBy(
            () ->
                Accelerators.compute(Device.CUDA, Map.of(LibrarySearch.PATH, "/nonexistent/cuda")))
        .isInstanceOf(AcceleratorUnavailableException.class)
        .hasMessageStartingWith(
            "cannot use cuda: the NVIDIA driver's CUDA library (libcuda.so.1) is in none of"
                + " [/nonexistent/cuda, /usr/local/cuda/lib64")
        .hasMessageEndingWith(
            "nor on the dynamic loader's path (LD_LIBRARY_PATH, ldconfig); set"
                + " EMERGENT_CUDA_LIBRARY_PATH to the folder that has it");
  }
}
