package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each launch hands the driver, read back from the parameter array as the GPU would read it:
 * the kernel, the grid, and every argument at its declared width. Without a GPU this is as close to
 * a launch as it gets; a wrong width would be read as garbage there, with no error.
 */
class CudaKernelsTest {
  private record Launch(String kernel, int blocks, int threads, List<Object> arguments) {}

  private final List<Launch> launches = new ArrayList<>();
  private final CudaKernels kernels =
      new CudaKernels(
          (kernel, blocks, threads, parameters) -> {
            List<Object> arguments = new ArrayList<>();
            List<CudaKernels.Argument> kinds = CudaKernels.KERNELS.get(kernel);
            for (int i = 0; i < kinds.size(); i++) {
              MemorySegment value =
                  parameters.reinterpret(8L * kinds.size()).getAtIndex(ADDRESS, i).reinterpret(8);
              arguments.add(
                  switch (kinds.get(i)) {
                    case POINTER -> value.get(ADDRESS, 0).address();
                    case LONG -> value.get(JAVA_LONG, 0);
                    case INT -> value.get(JAVA_INT, 0);
                    case FLOAT -> value.get(JAVA_FLOAT, 0);
                  });
            }
            launches.add(new Launch(kernel, blocks, threads, arguments));
          });

  private static DeviceMemory at(long address) {
    return () -> MemorySegment.ofAddress(address);
  }

  @Test
  void anElementwiseKernelCoversItsElementsWithBlocksOf256Threads() {
    kernels.geluForward(at(0x100), at(0x200), at(0x300), 1000);

    assertThat(launches)
        .containsExactly(
            new Launch("gelu_forward", 4, 256, List.of(0x100L, 0x200L, 0x300L, 1000L)));
  }

  @Test
  void aGridNeverExceedsTheBlockLimitThatTheGridStrideLoopsCover() {
    kernels.fill(at(0x100), 1.5f, 1L << 30);

    assertThat(launches)
        .containsExactly(new Launch("fill", 65_535, 256, List.of(0x100L, 1.5f, 1L << 30)));
  }

  @Test
  void rowKernelsRunOneBlockPerRowAndLayerNormsBackwardAlsoSumsItsParameterGradients() {
    kernels.layerNormForward(at(1), at(2), at(3), 1e-5f, at(4), at(5), at(6), 96, 160);
    kernels.layerNormBackward(at(1), at(2), at(3), at(4), at(5), at(6), at(7), 96, 600);

    assertThat(launches)
        .containsExactly(
            new Launch("layer_norm_forward", 96, 256, List.of(1L, 2L, 3L, 1e-5f, 4L, 5L, 6L, 160)),
            new Launch("layer_norm_backward", 96, 256, List.of(1L, 2L, 3L, 4L, 5L, 600)),
            new Launch("layer_norm_parameter_grads", 3, 256, List.of(1L, 2L, 6L, 7L, 96, 600)));
  }

  @Test
  void everyKernelIsLaunchedWithItsDeclaredArguments() {
    DeviceMemory p = at(0x10);
    kernels.geluBackward(p, p, p, p, 10);
    kernels.causalSoftmaxForward(p, 12, 4);
    kernels.causalSoftmaxBackward(p, p, 12, 4);
    kernels.adamW(new float[] {1, 2, 3, 4, 5, 6, 7}, p, p, p, p, p, 10);
    kernels.toBf16(p, p, 10);
    kernels.scale(p, 0.5f, 10);
    kernels.add(p, p, p, 10);
    kernels.oneHot(p, p, 8, 320);
    kernels.sumOfSquares(p, p, 10, 1);
    kernels.softmaxCrossEntropy(p, p, p, p, p, 8, 320);
    kernels.softmaxCrossEntropyBackward(p, p, p, p, 320, 2560);
    kernels.argmaxRows(p, p, 8, 320);

    assertThat(launches).extracting(Launch::kernel).doesNotHaveDuplicates().hasSize(12);
    assertThat(launches.get(3).arguments()).endsWith(10L, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
    assertThat(launches.get(10).arguments()).endsWith(320, 2560L);
  }
}
