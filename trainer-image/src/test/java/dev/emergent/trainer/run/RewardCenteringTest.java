package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.data.PreferenceBatches;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The pairwise loss cannot see a constant added to every reward, so a reward model whose rewards
 * start shifted by 3 stays there; with a centering weight the shift is pulled toward 0 while the
 * preference is learned the same way.
 */
class RewardCenteringTest {
  @TempDir Path dataRoot;

  private Map<String, Double> trainShifted(double centering) throws Exception {
    StageConfig config = StageConfigs.rewardModel(40, 1e-2, centering);
    Gpt gpt = new Gpt(ModelShape.of(config.model()), Compute.cpu(DataType.FLOAT), true);
    gpt.parameters().initialize(config.seed());
    Parameter bias =
        gpt.parameters().list().stream()
            .filter(p -> p.name().equals("score.bias"))
            .findFirst()
            .orElseThrow();
    CpuTensor.array(bias.value()).assign(3);
    StageConfig.Optimizer opt = config.optimizer();
    AdamW adam =
        new AdamW(gpt.parameters(), opt.beta1(), opt.beta2(), opt.epsilon(), opt.weightDecay());
    RewardTraining training =
        new RewardTraining(
            config,
            gpt,
            adam,
            new PreferenceBatches(
                StageData.preferences(config, dataRoot),
                config.seed(),
                config.model().contextLength(),
                new PromptFormat(BpeTokenizer.bytes())),
            StageData.demonstrations(config, dataRoot),
            DataParallel.single());
    for (long step = 0; step < config.steps(); step++) {
      training.step(step);
    }
    return training.evaluate();
  }

  private static double meanReward(Map<String, Double> metrics) {
    return (metrics.get("chosenReward") + metrics.get("rejectedReward")) / 2;
  }

  @Test
  void centeringPullsTheMeanRewardTowardZero() throws Exception {
    Map<String, Double> plain = trainShifted(0);
    Map<String, Double> centered = trainShifted(0.1);

    assertThat(meanReward(plain)).isCloseTo(3, within(1.0));
    assertThat(Math.abs(meanReward(centered))).isLessThan(0.5);
    assertThat(centered.get("rewardMargin")).isPositive();
  }
}
