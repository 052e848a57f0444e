package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.trainer.bench.ReferenceTraining;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of the device check that run without a GPU. */
class CudaCheckTest {
  @Test
  void theDryRunTrainsTheParityModelOnABackendThatComputesNothing() {
    ReferenceTraining.Result result =
        ReferenceTraining.run(NoOpCompute.create(), CudaCheck.PARITY, 0, 2);

    assertThat(result.losses()).containsExactly(0.0, 0.0);
    assertThat(result.parameters()).isEqualTo(4_853_760);
  }

  @Test
  void theCpuLossesAreReadFromReferenceTrainingsLine() {
    String line = new ReferenceTraining.Result(List.of(5.82892513, 4.8514781), 646.8, 10).json();

    assertThat(CudaCheck.losses(line)).containsExactly(5.82892513, 4.8514781);
    assertThatThrownBy(() -> CudaCheck.losses("{}")).hasMessage("no losses in {}");
  }

  @Test
  void optionsDefaultToGpt2SmallsShapeAndA4096Gemm() {
    assertThat(CudaCheck.Options.parse(new String[0]))
        .isEqualTo(
            new CudaCheck.Options(
                4096, null, new ReferenceTraining.Shape(12, 768, 12, 1024, 8), false));
    assertThat(
            CudaCheck.Options.parse(
                new String[] {
                  "--parity", "cpu.json", "--throughput", "2,64,2,32,4", "--gemm", "8"
                }))
        .isEqualTo(
            new CudaCheck.Options(
                8, Path.of("cpu.json"), new ReferenceTraining.Shape(2, 64, 2, 32, 4), false));
    assertThatThrownBy(() -> CudaCheck.Options.parse(new String[] {"--fast"}))
        .hasMessage("unknown option --fast");
  }
}
