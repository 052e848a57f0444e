package dev.emergent.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankWorkerTest {

  @Test
  void aWorkerGetsItsThreadsAndTheBlasThreadsThatSleepBetweenProducts() {
    ProcessBuilder process = RankWorker.process("quickstart", 1, 3, List.of("-Xmx1g"));

    assertThat(process.environment())
        .containsEntry("OMP_NUM_THREADS", "3")
        .containsEntry("OMP_WAIT_POLICY", "PASSIVE")
        .containsEntry("OPENBLAS_THREAD_TIMEOUT", "4");
    assertThat(process.command())
        .contains(
            "-Demergent.trainer=quickstart/1", "-Xmx1g", "dev.emergent.trainer.run.TrainerWorker");
  }
}
