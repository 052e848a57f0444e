package dev.emergent.operator;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import dev.emergent.operator.status.Conditions;
import java.time.Instant;

/**
 * One reconcile of one run: the run as the API server has it, the status being built for it, and
 * the time the reconcile decides by.
 */
record RunContext(TrainingRun run, TrainingRunStatus status, Instant now) {

  Long generation() {
    return run.getMetadata().getGeneration();
  }

  /** Sets every condition for the status's phase, with one reason and message. */
  void conditions(String reason, String message) {
    Conditions.forPhase(status.conditions, status.phase, reason, message, generation(), now);
  }
}
