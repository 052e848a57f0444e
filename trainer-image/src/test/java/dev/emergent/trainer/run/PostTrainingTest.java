package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining, SFT and the reward model chained through their checkpoints, as the planner plans
 * them, on 1-digit arithmetic with a 2-layer, d_model 64 model (about 0.1M parameters; a minute on
 * 2 cores). Thresholds, with margin below what this run measures: SFT exact match on held-out
 * prompts ≥ 0.5 (chance ≈ 0.05), reward-model held-out accuracy ≥ 0.9.
 */
class PostTrainingTest {
  @TempDir static Path root;
  private static final Map<String, List<Progress>> REPORTS = new LinkedHashMap<>();
  private static final Map<String, Double> BEFORE_PPO = new LinkedHashMap<>();

  /** The SFT policy's metrics under PPO's own evaluation, before any PPO step. */
  private static Map<String, Double> baseline(StagePlan stage, CheckpointStore store)
      throws IOException {
    var policy =
        new dev.emergent.trainer.model.Gpt(
            dev.emergent.trainer.model.ModelShape.of(stage.config().model()),
            org.nd4j.linalg.api.buffer.DataType.FLOAT);
    CheckpointStore.loadWeights(store.open(stage.config().inputs().policy()), policy.parameters());
    var task =
        new dev.emergent.trainer.data.ArithmeticPostTraining(
            new dev.emergent.trainer.data.ArithmeticTask(1, stage.config().seed(), 0.1));
    PpoTraining ppo =
        new PpoTraining(
            stage.config(),
            policy,
            new dev.emergent.trainer.optim.AdamW(policy.parameters(), 0.9, 0.95, 1e-8, 0.1),
            store,
            task,
            new dev.emergent.trainer.generate.ExactMatch(task, stage.config().seed()),
            dev.emergent.trainer.mesh.DataParallel.single());
    return ppo.evaluate();
  }

  @BeforeAll
  static void runTheChain() throws IOException {
    RunPlan plan =
        Planner.plan(
            TrainingRunFiles.parse(
                """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: chain}
        spec:
          model: {layers: 2, dModel: 64, heads: 4, contextLength: 16}
          mesh: {axes: [{name: data, size: 1}]}
          checkpoint: {everySteps: 1000}
          stages:
          - {name: pretrain, type: Pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: 600, batchSize: 32, learningRate: 3.0e-3}
          - {name: sft, type: SFT, from: pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: 300, batchSize: 32, learningRate: 1.0e-3}
          - {name: reward, type: RewardModel, from: sft, data: {builtin: arithmetic, operandDigits: 1}, steps: 300, batchSize: 32, learningRate: 1.0e-3}
          - {name: ppo, type: PPO, policyFrom: sft, rewardFrom: reward, data: {builtin: arithmetic, operandDigits: 1}, steps: 30, batchSize: 16, rolloutSize: 32, maxNewTokens: 4, learningRate: 1.0e-5, evalEverySteps: 30}
        """));
    CheckpointStore store = new CheckpointStore(root);
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (StagePlan stage : plan.stages()) {
      if (stage.type() == dev.emergent.api.v1alpha1.StageType.PPO) {
        BEFORE_PPO.putAll(baseline(stage, store));
      }
      List<Progress> reports = new ArrayList<>();
      new StageRunner(stage.config(), store, root, 1e11, reports::add, log).run();
      REPORTS.put(stage.name(), reports);
    }
  }

  private static Progress last(String stage) {
    List<Progress> reports = REPORTS.get(stage);
    return reports.get(reports.size() - 1);
  }

  private static Progress first(String stage) {
    return REPORTS.get(stage).get(0);
  }

  @Test
  void ppoRaisesTheRewardAndStaysNearTheReference() {
    Map<String, Double> after = last("ppo").metrics();
    assertThat(after.get("evalScore")).isGreaterThan(BEFORE_PPO.get("evalScore"));
    assertThat(after.get("kl")).isLessThan(0.5);
    assertThat(after.get("exactMatch")).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void eachStageLowersItsLoss() {
    for (String stage : List.of("pretrain", "sft", "reward")) {
      assertThat(last(stage).loss()).as(stage).isLessThan(first(stage).loss());
    }
  }

  @Test
  void sftTeachesTheTaskWellAboveChance() {
    assertThat(last("sft").metrics().get("exactMatch")).isGreaterThanOrEqualTo(0.8);
    assertThat(last("sft").checkpoint()).isEqualTo("chain/sft/step-300");
  }

  @Test
  void theRewardModelPrefersCorrectAnswers() {
    Map<String, Double> metrics = last("reward").metrics();
    assertThat(metrics.get("rewardAccuracy")).isGreaterThanOrEqualTo(0.7);
    assertThat(metrics.get("chosenReward")).isGreaterThan(metrics.get("rejectedReward"));
    assertThat(metrics.get("rewardMargin")).isPositive();
    assertThat(metrics).containsKey("rewardOffset");
  }
}
