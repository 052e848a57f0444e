package dev.emergent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emergent.plan.TrainingRunFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `emergent study` on a test-sized ladder, every run as real trainer processes. */
class StudyRunIT {
  @TempDir Path dir;
  private final InProcessCli cli = new InProcessCli();

  @Test
  void trainsTheLadderFitsTheLawTrainsThePredictedRunAndReports() throws Exception {
    Path file = dir.resolve("study.yaml");
    Files.writeString(
        file,
        """
        apiVersion: emergent.dev/v1alpha1
        kind: ScalingStudy
        metadata: {name: tiny-study}
        spec:
          template:
            model: {contextLength: 16}
            mesh: {axes: [{name: data, size: 1}]}
            stages:
            - {name: pretrain, type: Pretrain, data: {builtin: arithmetic, operandDigits: 1}, batchSize: 8, learningRate: 3.0e-3}
            - {name: sft-1, type: SFT, from: pretrain, data: {builtin: arithmetic, operandDigits: 1}, steps: 5, batchSize: 8}
          ladder:
            models:
            - {layers: 1, dModel: 16, heads: 2}
            - {layers: 1, dModel: 24, heads: 2}
            - {layers: 1, dModel: 32, heads: 2}
            tokens: [1024, 2048]
          predict:
          - {layers: 1, dModel: 48, heads: 2, tokens: 4096}
        """);
    Path work = dir.resolve("work");

    int code = cli.run("study", file.toString(), "--workdir", work.toString());

    assertThat(code).as(cli.err()).isZero();
    List<String> lines = cli.out().lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches("predicted \\d+\\.\\d{4} measured \\d+\\.\\d{4} error [-+]\\d+\\.\\d{2}% .*")
        .contains("tiny-study-p0");
    assertThat(cli.out()).contains("Fit to 6 runs").contains("compute-optimal for");
    JsonNode status = TrainingRunFiles.JSON.readTree(work.resolve("study.json").toFile());
    assertThat(status.path("phase").asText()).isEqualTo("Succeeded");
    assertThat(status.path("results")).hasSize(7);
    for (JsonNode run : status.path("results")) {
      assertThat(run.path("evalLoss").asDouble()).as(run.toString()).isPositive();
      assertThat(run.at("/metrics/sft-1.exactMatch").isNumber()).isTrue();
      assertThat(run.at("/metrics/sft-1.answerLogLikelihood").asDouble()).isNegative();
    }
    assertThat(status.at("/fit/alpha/value").isNumber()).isTrue();
    assertThat(status.path("predicted").asDouble()).isPositive();
    String report = Files.readString(work.resolve("report/index.html"));
    assertThat(report).contains("echarts").contains("tiny-study-p0").contains("Emergence");
    // Every stage of every run ran in one warm process (the mesh has one rank).
    try (Stream<Path> logs =
        Files.find(work.resolve("runs"), 3, (f, a) -> f.toString().endsWith("-rank0.log"))) {
      assertThat(logs.map(RankLogs::process).distinct().toList()).hasSize(1);
    }

    InProcessCli again = new InProcessCli();
    assertThat(again.run("study", file.toString(), "--workdir", work.toString())).isZero();
    assertThat(again.out()).contains("done earlier");
    List<String> resumed = again.out().lines().toList();
    assertThat(resumed.get(resumed.size() - 1)).isEqualTo(lines.get(lines.size() - 1));
  }
}
