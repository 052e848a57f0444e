package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class OptimizerStepTest {
  private final Gpt gpt =
      new Gpt(
          ModelShape.of(StageConfigs.pretrain(1, 16, 2, 8, 4, 2, 2, 1e-3).model()),
          Compute.cpu(DataType.FLOAT));
  private final AdamW adam = new AdamW(gpt.parameters(), 0.9, 0.95, 1e-8, 0.1);

  @Test
  void aNonFiniteGradientStopsTheStageBeforeTheWeightsChange() {
    gpt.parameters().initialize(5);
    INDArray before = CpuTensor.array(gpt.parameters().values()).dup();
    CpuTensor.array(gpt.parameters().grads()).assign(0.1);
    CpuTensor.array(gpt.parameters().grads()).putScalar(3, Double.NaN);

    assertThatThrownBy(() -> OptimizerStep.apply(7, gpt, adam, DataParallel.single(), 1.0, 1e-3))
        .isInstanceOf(LossDivergedException.class)
        .hasMessageContaining("step 7");
    assertThat(CpuTensor.array(gpt.parameters().values())).isEqualTo(before);
  }

  @Test
  void aFiniteGradientIsClippedAndApplied() {
    gpt.parameters().initialize(5);
    INDArray before = CpuTensor.array(gpt.parameters().values()).dup();
    CpuTensor.array(gpt.parameters().grads()).assign(1.0);

    double norm = OptimizerStep.apply(1, gpt, adam, DataParallel.single(), 1.0, 1e-3);

    assertThat(norm).isGreaterThan(1.0);
    assertThat(gpt.parameters().values()).isNotEqualTo(before);
  }
}
