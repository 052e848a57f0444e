package dev.emergent.plan;

import java.util.List;
import java.util.Optional;

/** A whole TrainingRun resolved: run-wide settings and the stages in order. */
public record RunPlan(String run, RunSettings settings, List<StagePlan> stages) {
  public RunPlan {
    stages = List.copyOf(stages);
  }

  public Optional<StagePlan> stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
