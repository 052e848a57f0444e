package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.Planner;
import dev.emergent.plan.Progress;
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
 * The quickstart's five stages (examples/quickstart.yaml: 0.8M parameters, 1-digit arithmetic) on
 * one rank, chained through their checkpoints as the planner plans them; about three minutes on 2
 * cores. A build gives the same numbers on every run (see KernelDeterminismIT), but any change to
 * the numerics moves them, and so would a machine with other vector widths or BLAS kernels, had the
 * tests not pinned both (trainer-image/pom.xml): 100 steps of SFT amplify that, and SFT's greedy
 * exact match on held-out prompts measured 0.28 to 0.86 across builds and machines (chance about
 * 0.05).
 *
 * <p>The PPO assertions are those that held on each of the six chains measured at the quickstart's
 * settings (see trainer-image/README.md): PPO raises the reward model's score, and more of its
 * sampled answers are right, both to the prompts it trains on (so the reward gain is not the reward
 * model exploited) and to the held-out ones. The 1-digit task has only 23 held-out problems, one of
 * them flipping moves held-out exact match by about 4 points, so the held-out gain is asserted to
 * be positive (4.9 to 15.2 points measured), and greedy answers not to collapse. KL stays under a
 * documented bound, and SFT well above chance.
 */
class PostTrainingTest {
  /** Nats per response; trainer-image/README.md documents it. */
  static final double KL_BOUND = 0.5;

  /** How far greedy exact match on the held-out prompts may fall: about 4 of the 23 problems. */
  static final double GREEDY_TOLERANCE = 0.2;

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
  void ppoRaisesTheRewardAndRightAnswersOnTrainingAndHeldOutPrompts() {
    Map<String, Double> after = last("ppo").metrics();
    System.out.println("PPO after " + last("ppo").step() + " steps: " + after);
    assertThat(after.get("sampleScore")).isGreaterThan(after.get("referenceSampleScore"));
    assertThat(after.get("sampleScoreGain")).isPositive();
    assertThat(after.get("trainSampleExactMatch"))
        .isGreaterThan(after.get("referenceTrainSampleExactMatch"));
    assertThat(after.get("sampleExactMatch")).isGreaterThan(after.get("referenceSampleExactMatch"));
    assertThat(after.get("exactMatch"))
        .isGreaterThanOrEqualTo(after.get("referenceExactMatch") - GREEDY_TOLERANCE);
    assertThat(after.get("kl")).isLessThan(KL_BOUND);
  }

  @Test
  void eachStageLowersItsLoss() {
    for (String stage : List.of("pretrain", "sft", "reward")) {
      assertThat(last(stage).loss()).as(stage).isLessThan(first(stage).loss());
    }
  }

  @Test
  void sftTeachesTheTaskWellAboveChance() {
    assertThat(last("sft").metrics().get("exactMatch")).isGreaterThanOrEqualTo(0.2);
    assertThat(last("sft").checkpoint()).isEqualTo("quickstart/sft/step-100");
  }

  @Test
  void theRewardModelPrefersCorrectAnswers() {
    Map<String, Double> metrics = last("reward").metrics();
    assertThat(metrics.get("rewardAccuracy")).isGreaterThanOrEqualTo(0.85);
    assertThat(metrics.get("chosenReward")).isGreaterThan(metrics.get("rejectedReward"));
    assertThat(metrics.get("rewardMargin")).isPositive();
    assertThat(metrics).containsKey("rewardOffset");
  }
}
