package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the trainer writes, the operator and the local runner read back unchanged. */
class TrainerContractTest {

  @Test
  void aTerminationSummaryRoundTrips() {
    TerminationSummary written =
        TerminationSummary.of(
            ExitCode.SUCCEEDED, 300, "quickstart/sft/step-300", Map.of("loss", 0.25), null);

    TerminationSummary read = TerminationSummary.parse(written.toJson()).orElseThrow();

    assertThat(read).isEqualTo(written);
    assertThat(read.exitCode()).isZero();
    assertThat(read.succeeded()).isTrue();
    assertThat(written.toJson()).doesNotContain("\n").doesNotContain("message");
  }

  @Test
  void theSummaryIsTheLastLineOfATerminationMessage() {
    String message =
        "some log line\n"
            + TerminationSummary.of(ExitCode.LOSS_DIVERGED, 7, null, Map.of(), "NaN at step 7")
                .toJson();

    TerminationSummary read = TerminationSummary.parse(message).orElseThrow();

    assertThat(read.outcome()).isEqualTo(ExitCode.LOSS_DIVERGED);
    assertThat(read.exitCode()).isEqualTo(3);
    assertThat(read.message()).isEqualTo("NaN at step 7");
  }

  @Test
  void aMessageThatIsNoSummaryGivesNone() {
    assertThat(TerminationSummary.parse(null)).isEmpty();
    assertThat(TerminationSummary.parse("Error: OOMKilled")).isEmpty();
  }

  @Test
  void aSummaryFileRoundTrips(@TempDir Path dir) throws Exception {
    TerminationSummary written =
        TerminationSummary.of(ExitCode.PEER_LOST, 12, null, Map.of(), "rank 1 stopped answering");
    Path file = dir.resolve("sft-rank0.json");
    written.write(file);

    assertThat(TerminationSummary.read(file)).contains(written);
    assertThat(TerminationSummary.read(dir.resolve("absent.json"))).isEmpty();
  }

  @Test
  void theWorstCodeOfAPodIsTheOneThatExplainsTheOthers() {
    int killed = 128 + 9;

    assertThat(ExitCode.worst(List.of())).isZero();
    assertThat(ExitCode.worst(List.of(0, 0))).isZero();
    assertThat(ExitCode.worst(List.of(0, killed, 4, 4))).isEqualTo(killed);
    assertThat(ExitCode.worst(List.of(4, 1))).isEqualTo(1);
    assertThat(ExitCode.worst(List.of(killed, 143, 1))).isEqualTo(killed);
    assertThat(ExitCode.worst(List.of(1, 3, 4))).isEqualTo(3);
    assertThat(ExitCode.worst(List.of(3, 5, 2, 1))).isEqualTo(2);
  }

  @Test
  void exitCodesAreKnownByNumber() {
    assertThat(ExitCode.of(4)).contains(ExitCode.PEER_LOST);
    assertThat(ExitCode.of(137)).isEmpty();
  }

  @Test
  void aProgressReportRoundTripsAndToleratesNewFields() throws Exception {
    Progress written =
        new Progress(
            "quickstart",
            "pretrain",
            "Pretrain",
            "Running",
            40,
            1000,
            1.5,
            6400.0,
            90.0,
            null,
            Map.of("gradNorm", 0.8));

    String json = TrainingRunFiles.JSON.writeValueAsString(written);

    assertThat(Progress.parse(json)).isEqualTo(written);
    assertThat(Progress.parse(json.replace("{", "{\"addedLater\":1,")).step()).isEqualTo(40);
  }
}
