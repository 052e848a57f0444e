package dev.emergent.operator.status;

import dev.emergent.api.v1alpha1.Condition;
import dev.emergent.api.v1alpha1.RunPhase;
import java.time.Instant;
import java.util.List;

/** Sets conditions the Kubernetes way: lastTransitionTime changes only when status does. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";

  private Conditions() {}

  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    Condition condition =
        conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
    String value = status ? "True" : "False";
    if (condition == null) {
      condition = new Condition();
      condition.type = type;
      conditions.add(condition);
    }
    if (!value.equals(condition.status)) {
      condition.lastTransitionTime = now.toString();
    }
    condition.status = value;
    condition.reason = reason;
    condition.message = message;
    condition.observedGeneration = generation;
  }

  /**
   * Sets all five conditions as a run in {@code phase} has them: Ready while running or done,
   * Progressing while it can still move, and Succeeded, Failed, Suspended as named.
   */
  public static void forPhase(
      List<Condition> conditions,
      RunPhase phase,
      String reason,
      String message,
      Long generation,
      Instant now) {
    boolean ready = phase == RunPhase.Running || phase == RunPhase.Succeeded;
    boolean progressing =
        phase == RunPhase.Pending || phase == RunPhase.Queued || phase == RunPhase.Running;
    set(conditions, READY, ready, reason, message, generation, now);
    set(conditions, PROGRESSING, progressing, reason, message, generation, now);
    set(conditions, SUCCEEDED, phase == RunPhase.Succeeded, reason, message, generation, now);
    set(conditions, FAILED, phase == RunPhase.Failed, reason, message, generation, now);
    set(conditions, SUSPENDED, phase == RunPhase.Suspended, reason, message, generation, now);
  }

  public static Condition get(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
  }
}
