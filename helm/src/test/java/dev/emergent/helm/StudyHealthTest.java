package dev.emergent.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Argo CD health check of ScalingStudies against statuses the operator writes. */
class StudyHealthTest {
  private static final Path SCRIPT = Chart.DIR.resolve("argocd/study-health.lua");

  private static String[] health(String status) throws Exception {
    return ArgoHealth.of(
        SCRIPT,
        """
        apiVersion: emergent.dev/v1alpha1
        kind: ScalingStudy
        metadata: {name: study, generation: 1}
        spec: {}
        """
            + status);
  }

  @Test
  void aStudyTheOperatorHasNotSeenIsProgressing() throws Exception {
    assertThat(health(""))
        .containsExactly("Progressing", "Waiting for the operator to plan the study");
  }

  @Test
  void aRunningStudyCountsItsRunsAndAPredictingOneSaysItsFit() throws Exception {
    assertThat(health("status: {phase: Running, observedGeneration: 1, runs: 10, done: 3}"))
        .containsExactly("Progressing", "Running, 3 of 10 runs done");
    assertThat(
            health(
                """
                status:
                  phase: Predicting
                  observedGeneration: 1
                  runs: 10
                  done: 9
                  conditions:
                  - {type: Fitted, status: "True", message: "L(N, D) = 0.9 + 40/N^0.4 + 60/D^0.35 from 9 runs"}
                """))
        .containsExactly(
            "Progressing",
            "Predicting, 9 of 10 runs done; L(N, D) = 0.9 + 40/N^0.4 + 60/D^0.35 from 9 runs");
  }

  @Test
  void aSucceededStudyIsHealthyWithItsPrediction() throws Exception {
    assertThat(
            health(
                """
                status:
                  phase: Succeeded
                  observedGeneration: 1
                  conditions:
                  - {type: Succeeded, status: "True", message: "study-p0: predicted 1.3656 measured 1.3806 error -1.09%"}
                """))
        .containsExactly("Healthy", "study-p0: predicted 1.3656 measured 1.3806 error -1.09%");
  }

  @Test
  void aFailedOrInvalidStudyIsDegradedWithWhy() throws Exception {
    assertThat(
            health(
                """
                status:
                  phase: Invalid
                  observedGeneration: 1
                  conditions:
                  - {type: Failed, status: "True", message: "spec.ladder.models[0].heads: must be divisible by 2"}
                """))
        .containsExactly("Degraded", "spec.ladder.models[0].heads: must be divisible by 2");
  }
}
