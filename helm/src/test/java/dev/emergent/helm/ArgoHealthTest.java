package dev.emergent.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Argo CD health check, run by a Lua interpreter against statuses the operator writes. */
class ArgoHealthTest {
  private static final Path SCRIPT = Chart.DIR.resolve("argocd/health.lua");

  private static String[] health(String yaml) throws Exception {
    return ArgoHealth.of(SCRIPT, yaml);
  }

  private static String run(String status) {
    return """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: demo, generation: 2}
        spec: {}
        """
        + status;
  }

  @Test
  void aRunTheOperatorHasNotSeenIsProgressing() throws Exception {
    assertThat(health(run("")))
        .containsExactly("Progressing", "Waiting for the operator to plan the run");
    assertThat(health(run("status: {phase: Succeeded, observedGeneration: 1}")))
        .containsExactly("Progressing", "Waiting for the operator to see generation 2");
  }

  @Test
  void aRunningRunIsProgressingWithItsReadyMessage() throws Exception {
    String status =
        """
        status:
          phase: Running
          observedGeneration: 2
          currentStage: sft
          conditions:
          - {type: Ready, status: "True", reason: Running, message: "stage sft: step 120/300, loss 0.42"}
          - {type: Failed, status: "False", reason: Running, message: "stage sft: step 120/300, loss 0.42"}
        """;

    assertThat(health(run(status)))
        .containsExactly("Progressing", "Running: stage sft: step 120/300, loss 0.42");
  }

  @Test
  void aQueuedOrPendingRunSaysWhyItWaits() throws Exception {
    String status =
        """
        status:
          phase: Pending
          observedGeneration: 2
          conditions:
          - {type: Ready, status: "False", reason: Unschedulable, message: "stage pretrain: pods cannot be scheduled"}
        """;

    assertThat(health(run(status)))
        .containsExactly("Progressing", "Pending: stage pretrain: pods cannot be scheduled");
  }

  @Test
  void aSucceededRunIsHealthyWithItsFinalCheckpoint() throws Exception {
    String status =
        """
        status:
          phase: Succeeded
          observedGeneration: 2
          stages:
          - {name: pretrain, checkpoint: demo/pretrain/step-300}
          - {name: ppo, checkpoint: demo/ppo/step-60}
        """;

    assertThat(health(run(status)))
        .containsExactly("Healthy", "All stages succeeded; final checkpoint demo/ppo/step-60");
  }

  @Test
  void aFailedRunIsDegradedWithTheFailedConditionsMessage() throws Exception {
    String status =
        """
        status:
          phase: Failed
          observedGeneration: 2
          conditions:
          - {type: Ready, status: "False", reason: LossDiverged, message: "stage sft: loss is NaN at step 7"}
          - {type: Failed, status: "True", reason: LossDiverged, message: "stage sft: loss is NaN at step 7"}
        """;

    assertThat(health(run(status))).containsExactly("Degraded", "stage sft: loss is NaN at step 7");
  }

  @Test
  void aSuspendedRunIsSuspended() throws Exception {
    assertThat(health(run("status: {phase: Suspended, observedGeneration: 2}")))
        .containsExactly("Suspended", "spec.suspend is true");
  }
}
