package dev.emergent.operator.observe;

import java.time.Instant;

/**
 * What the cluster says about one attempt of a stage. {@code progressUrl} is rank 0's progress
 * endpoint once its pod has an address; {@code summary} is rank 0's termination message; {@code
 * since} is when the attempt entered its phase: while STARTING, when its Job started or was last
 * admitted; while RUNNING, when the last of the gang's trainers started, the earliest a stall can
 * begin. {@code jobUid} names the Job observed, so that what others made for it (Kueue's Workload)
 * is found without reading it again.
 */
public record AttemptState(
    Phase phase,
    Failure failure,
    String summary,
    String progressUrl,
    String message,
    Instant since,
    String jobUid) {

  /** Where the attempt's Job stands. */
  public enum Phase {
    ABSENT,
    QUEUED,
    STARTING,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  /** Why a failed attempt failed; decides between restarting, not counting, and failing the run. */
  public enum Failure {
    NONE,
    /** Eviction, preemption or node loss: restart without using the budget. */
    DISRUPTED,
    /** The trainer's loss became NaN or infinite (exit code 3). */
    LOSS_DIVERGED,
    /** The trainer cannot use its input (exit code 2); a retry would fail the same way. */
    BAD_INPUT,
    /** No checkpoint of the stage passes verification (exit code 5); a retry reads the same. */
    CHECKPOINT_CORRUPT,
    /** Anything else: restart from the latest checkpoint while the budget lasts. */
    CRASHED
  }

  /** Succeeded or failed: what happens next depends on how. */
  public boolean ended() {
    return phase == Phase.SUCCEEDED || phase == Phase.FAILED;
  }

  public static AttemptState absent() {
    return new AttemptState(Phase.ABSENT, Failure.NONE, null, null, null, null, null);
  }
}
