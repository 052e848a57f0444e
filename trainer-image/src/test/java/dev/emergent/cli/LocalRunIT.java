package dev.emergent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `emergent run` on a tiny four-stage TrainingRun with two ranks, as real processes. */
class LocalRunIT {
  @TempDir Path dir;
  private final InProcessCli cli = new InProcessCli();

  private Path spec(int pretrainSteps) throws Exception {
    return TinyRuns.write(
        dir.resolve("tiny.yaml"),
        "tiny",
        "checkpoint: {everySteps: 10}\n",
        """
        - {name: pretrain, type: Pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: %d, batchSize: 8, learningRate: 3.0e-3}
        - {name: sft, type: SFT, from: pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: 10, batchSize: 8}
        - {name: reward, type: RewardModel, from: sft, data: {builtin: arithmetic, operandDigits: 1}, steps: 10, batchSize: 8}
        - {name: ppo, type: PPO, policyFrom: sft, rewardFrom: reward, data: {builtin: arithmetic, operandDigits: 1}, steps: 2, batchSize: 8, rolloutSize: 16, maxNewTokens: 4}
        """
            .formatted(pretrainSteps));
  }

  private int emergent(String... args) {
    return cli.run(args);
  }

  private static List<ProcessHandle> trainers() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("-Demergent.trainer="))
        .toList();
  }

  @Test
  void runsEveryStageAndWritesTheReport() throws Exception {
    Path work = dir.resolve("work");
    Path spec = spec(20);

    int code = emergent("run", spec.toString(), "--workdir", work.toString());

    assertThat(code).as(cli.err()).isZero();
    for (String stage : List.of("pretrain", "sft", "reward", "ppo")) {
      assertThat(work.resolve("checkpoints/tiny/" + stage + "/latest/manifest.json")).exists();
    }
    String report = Files.readString(work.resolve("report/index.html"));
    assertThat(report.split("<svg", -1)).hasSize(5);
    assertThat(report)
        .contains(
            "exactMatch",
            "rewardAccuracy",
            "PPO ppo against its reference",
            "held-out prompts: reward-model score of sampled answers",
            "training prompts: exact match of sampled answers",
            "Samples before and after PPO",
            "\"stage\" : \"ppo\"");
    assertThat(cli.out()).contains("[4/4] ppo", "Done in", "rewardAccuracy", "sampleScoreGain");
    assertThat(trainers()).isEmpty();
    // The ranks stay warm from stage to stage: every stage of a rank ran in one process.
    for (int rank = 0; rank < 2; rank++) {
      String first = process(work, "pretrain", rank);
      for (String stage : List.of("sft", "reward", "ppo")) {
        assertThat(process(work, stage, rank)).as(stage + " rank " + rank).isEqualTo(first);
      }
    }
    assertThat(process(work, "pretrain", 0)).isNotEqualTo(process(work, "pretrain", 1));
    // MFU is of the whole gang: both ranks' tokens against both ranks' peak.
    JsonNode pretrain =
        new ObjectMapper().readTree(work.resolve("logs/pretrain-rank0.json").toFile());
    assertThat(pretrain.at("/metrics/mfu").asDouble()).isGreaterThan(0).isLessThan(1);
    // The samples before and after PPO came from the two ranks' processes, one batch each.
    assertThat(work.resolve("logs/report-samples-0.log")).exists();
    assertThat(work.resolve("logs/report-samples-1.log")).exists();
    assertThat(work.resolve("logs/report-samples-0.json")).doesNotExist();

    // A run resumed after its last stage starts no trainer: its report samples from new JVMs.
    Files.delete(work.resolve("report/index.html"));
    int resumed = emergent("run", spec.toString(), "--workdir", work.toString(), "--resume");

    assertThat(resumed).as(cli.err()).isZero();
    assertThat(Files.readString(work.resolve("report/index.html")))
        .contains("Samples before and after PPO");
    assertThat(work.resolve("logs/report-samples-2.log")).doesNotExist();
  }

  /** The process a rank of a stage ran in, as its log's first line says. */
  private static String process(Path work, String stage, int rank) {
    return RankLogs.process(work.resolve("logs/" + stage + "-rank" + rank + ".log"));
  }

  @Test
  void aStageOnAnotherMeshRunsOnItsOwnProcesses() throws Exception {
    Path file =
        TinyRuns.write(
            dir.resolve("meshes.yaml"),
            "meshes",
            "",
            """
            - {name: pretrain, type: Pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: 4, batchSize: 8}
            - name: sft
              type: SFT
              from: pretrain
              data: {builtin: arithmetic, operandDigits: 1}
              steps: 4
              batchSize: 8
              mesh: {axes: [{name: data, size: 1}, {name: model, size: 1}]}
            - {name: more, type: SFT, from: sft, data: {builtin: arithmetic, operandDigits: 1}, steps: 4, batchSize: 8}
            """);
    Path work = dir.resolve("work");

    int code = emergent("run", file.toString(), "--workdir", work.toString());

    assertThat(code).as(cli.err()).isZero();
    assertThat(work.resolve("logs/sft-rank1.log")).doesNotExist();
    List<String> pretrain = List.of(process(work, "pretrain", 0), process(work, "pretrain", 1));
    String sft = process(work, "sft", 0);
    List<String> more = List.of(process(work, "more", 0), process(work, "more", 1));
    assertThat(pretrain).doesNotContain(sft);
    assertThat(more).doesNotContain(sft).doesNotContainAnyElementsOf(pretrain);
    assertThat(trainers()).isEmpty();
  }

  @Test
  void aKilledRankStopsTheRunAndResumeContinuesIt() throws Exception {
    Path work = dir.resolve("work");
    Path yaml = spec(150);
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () -> emergent("run", yaml.toString(), "--workdir", work.toString()));
    Path checkpoint = work.resolve("checkpoints/tiny/pretrain/latest");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(checkpoint) || trainers().size() < 2) {
      assertThat(System.nanoTime()).as("no checkpoint appeared").isLessThan(deadline);
      Thread.sleep(100);
    }

    trainers().get(1).destroyForcibly();
    int code = run.get(60, TimeUnit.SECONDS);

    assertThat(code).isNotZero();
    assertThat(cli.err()).contains("stage pretrain failed: rank");
    Thread.sleep(500);
    assertThat(trainers()).isEmpty();

    int resumed = emergent("run", yaml.toString(), "--workdir", work.toString(), "--resume");

    assertThat(resumed).as(cli.err()).isZero();
    assertThat(Files.readString(work.resolve("logs/pretrain-rank0.log")))
        .contains("resuming from tiny/pretrain/step-");
  }

  @Test
  void badInputGetsOneMessageAndNoStackTrace() throws Exception {
    assertThat(emergent("run", dir.resolve("missing.yaml").toString())).isEqualTo(Main.BAD_INPUT);
    assertThat(emergent("run", spec(10).toString(), "--only", "nope")).isEqualTo(Main.BAD_INPUT);

    assertThat(cli.err())
        .contains("missing.yaml: no such file")
        .contains("has no stage \"nope\" (stages: pretrain, sft, reward, ppo)")
        .doesNotContain("Exception");
  }
}
