package dev.emergent.operator.admission;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * The reasons of an {@code Admitted=False} condition while a stage waits for its namespace's quota,
 * and the order in which waiting runs get it: higher PriorityClass value first, then the earlier
 * created, then by name. A run behind another waits even if it would fit, so that a large earlier
 * run is never starved by smaller later ones; a run that can never fit holds nobody back.
 */
public final class QuotaHolds {
  public static final String ADMITTED = "Admitted";

  /** The gang does not fit what is free now. */
  public static final String QUOTA_EXCEEDED = "QuotaExceeded";

  /** The gang needs more than a quota allows in all: it waits for the quota to grow. */
  public static final String QUOTA_TOO_SMALL = "QuotaTooSmall";

  /** An earlier or higher-priority run of the namespace is first in line. */
  public static final String WAITING_FOR_QUOTA = "WaitingForQuota";

  private static final Set<String> IN_LINE = Set.of(QUOTA_EXCEEDED, WAITING_FOR_QUOTA);
  private static final Set<String> WAITING =
      Set.of(QUOTA_EXCEEDED, WAITING_FOR_QUOTA, QUOTA_TOO_SMALL);

  private QuotaHolds() {}

  /** A stage that waits in the namespace's line for quota, and so holds later runs back. */
  public static boolean inLine(TrainingRun run) {
    return admittedReason(run).filter(IN_LINE::contains).isPresent();
  }

  /** A stage that waits for quota for any reason: what a quota or Job change should wake. */
  public static boolean waiting(TrainingRun run) {
    return admittedReason(run).filter(WAITING::contains).isPresent();
  }

  private static Optional<String> admittedReason(TrainingRun run) {
    if (run.getStatus() == null || run.getStatus().phase != RunPhase.Pending) {
      return Optional.empty();
    }
    return run.getStatus().conditions.stream()
        .filter(c -> ADMITTED.equals(c.type) && "False".equals(c.status))
        .map(c -> c.reason)
        .findFirst();
  }

  /** A run with its PriorityClass value, for ordering the line. */
  public record Candidate(TrainingRun run, int priority) {}

  /** First in line first. */
  public static final Comparator<Candidate> ORDER =
      Comparator.comparingInt((Candidate c) -> -c.priority())
          .thenComparing(c -> c.run().getMetadata().getCreationTimestamp())
          .thenComparing(c -> c.run().getMetadata().getName());
}
