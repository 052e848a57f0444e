package dev.emergent.study;

import dev.emergent.api.v1alpha1.RunPhase;
import java.util.Map;

/**
 * Where one child run of a study stands: its phase and, once it succeeded, the final metrics of
 * each stage by stage name.
 */
public record RunOutcome(RunPhase phase, Map<String, Map<String, Double>> stageMetrics) {
  public RunOutcome {
    stageMetrics = Map.copyOf(stageMetrics);
  }

  public static RunOutcome pending() {
    return new RunOutcome(RunPhase.Pending, Map.of());
  }

  public boolean finished() {
    return phase == RunPhase.Succeeded || phase == RunPhase.Failed;
  }
}
