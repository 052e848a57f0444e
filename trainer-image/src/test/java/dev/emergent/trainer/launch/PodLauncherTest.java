package dev.emergent.trainer.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.ExitCode;
import dev.emergent.plan.TerminationSummary;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodLauncherTest {

  private static LocalRanks.Ending ending(int local, int code, TerminationSummary summary) {
    return new LocalRanks.Ending(local, 2 + local, code, Optional.ofNullable(summary));
  }

  @Test
  void aPodThatSucceededReportsLocalRankZero() {
    TerminationSummary zero =
        TerminationSummary.of(ExitCode.SUCCEEDED, 6, "r/s/step-6", Map.of("loss", 1.0), null);
    TerminationSummary one = TerminationSummary.of(ExitCode.SUCCEEDED, 6, null, Map.of(), null);

    assertThat(PodLauncher.podSummary(List.of(ending(1, 0, one), ending(0, 0, zero))))
        .isEqualTo(zero);
  }

  @Test
  void aKilledRankExplainsItsPeersAndGetsASummaryMadeForIt() {
    TerminationSummary lost =
        TerminationSummary.of(ExitCode.PEER_LOST, 40, null, Map.of(), "rank 3 stopped answering");

    TerminationSummary pod =
        PodLauncher.podSummary(List.of(ending(1, 137, null), ending(0, 4, lost)));

    assertThat(pod.exitCode()).isEqualTo(137);
    assertThat(pod.outcome()).isEqualTo(ExitCode.FAILED);
    assertThat(pod.message()).isEqualTo("rank 3 (local rank 1) was stopped by signal 9");
  }

  @Test
  void aRanksOwnVerdictIsKeptWithItsRankNamed() {
    TerminationSummary diverged =
        TerminationSummary.of(ExitCode.LOSS_DIVERGED, 7, null, Map.of(), "loss is NaN at step 7");
    TerminationSummary lost = TerminationSummary.of(ExitCode.PEER_LOST, 7, null, Map.of(), "lost");

    TerminationSummary pod =
        PodLauncher.podSummary(List.of(ending(0, 4, lost), ending(1, 3, diverged)));

    assertThat(pod.outcome()).isEqualTo(ExitCode.LOSS_DIVERGED);
    assertThat(pod.step()).isEqualTo(7);
    assertThat(pod.message()).isEqualTo("rank 3 (local rank 1): loss is NaN at step 7");
  }

  @Test
  void aRankThatDiedWithoutASummarySaysSo() {
    TerminationSummary pod =
        PodLauncher.podSummary(List.of(ending(0, 0, null), ending(1, 1, null)));

    assertThat(pod.exitCode()).isEqualTo(1);
    assertThat(pod.message())
        .isEqualTo("rank 3 (local rank 1) exited with code 1 without a summary");
  }
}
