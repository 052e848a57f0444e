package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.data.ArithmeticCorpus;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class TrainingTest {

  private static Training training(StageConfig config, PretrainingBatches data) {
    Gpt gpt = new Gpt(ModelShape.of(config.model()), Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(config.seed());
    StageConfig.Optimizer opt = config.optimizer();
    AdamW adam =
        new AdamW(gpt.parameters(), opt.beta1(), opt.beta2(), opt.epsilon(), opt.weightDecay());
    return new Training(config, gpt, adam, data);
  }

  @Test
  void aTinyModelOverfitsAFixedBatch() {
    StageConfig config = StageConfigs.pretrain(2, 32, 2, 16, 150, 4, 4, 1e-2);
    int[] fixed = new int[17];
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = (i * 37 + 11) % 200;
    }
    PretrainingBatches sameBatch =
        new PretrainingBatches(
            (window, random, heldOut) -> System.arraycopy(fixed, 0, window, 0, window.length),
            1,
            16);
    Training training = training(config, sameBatch);

    double first = training.step(0).loss();
    double last = first;
    for (int step = 1; step < config.steps(); step++) {
      last = training.step(step).loss();
    }

    assertThat(first).isGreaterThan(5.0);
    assertThat(last).isLessThan(0.05);
  }

  /**
   * Quickstart's model (4 layers, d_model 128, 0.84M parameters) on 2-digit arithmetic: the
   * operands are random, so about 0.9 nats per token are irreducible; 300 steps of 16×64 tokens
   * reach a held-out loss below 1.7 (from 5.8; measured: 1.52).
   */
  @Test
  void aMillionParameterModelLearnsArithmetic() {
    StageConfig config = StageConfigs.pretrain(4, 128, 4, 64, 300, 16, 16, 2e-3);
    PretrainingBatches data =
        new PretrainingBatches(
            new ArithmeticCorpus(new ArithmeticTask(2, 1234, 0.1), BpeTokenizer.bytes()), 1234, 64);
    Training training = training(config, data);

    double before = training.evalLoss();
    for (int step = 0; step < config.steps(); step++) {
      training.step(step);
    }
    double after = training.evalLoss();

    assertThat(before).isGreaterThan(5.0);
    assertThat(after).isLessThan(1.7);
  }

  @Test
  void aDivergingLossStopsTrainingNamingTheStep() {
    StageConfig config = StageConfigs.pretrain(1, 16, 2, 8, 50, 2, 2, 1.0);
    PretrainingBatches data =
        new PretrainingBatches((window, random, heldOut) -> java.util.Arrays.fill(window, 1), 1, 8);
    Training training = training(config, data);
    Gpt poisoned = new Gpt(ModelShape.of(config.model()), Compute.cpu(DataType.FLOAT));
    CpuTensor.array(poisoned.parameters().values()).assign(Double.NaN);
    Training nan =
        new Training(config, poisoned, new AdamW(poisoned.parameters(), 0.9, 0.95, 1e-8, 0), data);

    assertThatThrownBy(() -> nan.step(7))
        .isInstanceOf(LossDivergedException.class)
        .hasMessage("loss diverged at step 7: NaN");
    assertThat(training.step(0).loss()).isFinite();
  }
}
