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
import java.nio.file.Files;
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

  @BeforeAll
  static void runTheChain() throws IOException {
    String quickstart = Files.readString(Path.of("../examples/quickstart.yaml"));
    RunPlan plan =
        Planner.plan(
            TrainingRunFiles.parse(
                quickstart.replace("- {name: data, size: 2}", "- {name: data, size: 1}")));
    CheckpointStore store = new CheckpointStore(root);
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    for (StagePlan stage : plan.stages()) {
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
    System.out.println("PPO " + after + "\nRM " + last("reward").metrics());
    assertThat(after.get("evalScoreGain")).isPositive();
    assertThat(after.get("exactMatch")).isGreaterThanOrEqualTo(after.get("referenceExactMatch"));
    assertThat(after.get("kl")).isLessThan(0.5);
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
