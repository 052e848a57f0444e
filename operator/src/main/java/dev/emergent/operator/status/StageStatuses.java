package dev.emergent.operator.status;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import dev.emergent.plan.Progress;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-stage part of a run's status: one entry per planned stage, and what fills it. */
public final class StageStatuses {
  private StageStatuses() {}

  /** One status entry per spec stage, in spec order, keeping what was recorded before. */
  public static void sync(TrainingRunStatus status, RunPlan plan) {
    Map<String, StageStatus> byName = new HashMap<>();
    status.stages.forEach(s -> byName.put(s.name, s));
    List<StageStatus> stages = new ArrayList<>();
    for (StagePlan stage : plan.stages()) {
      StageStatus entry =
          byName.computeIfAbsent(
              stage.name(),
              n -> {
                StageStatus created = new StageStatus();
                created.name = n;
                created.phase = StagePhase.Pending;
                created.attempt = 1;
                created.restarts = 0;
                return created;
              });
      entry.totalSteps = stage.config().steps();
      stages.add(entry);
    }
    status.stages = stages;
    if (status.phase == null) {
      status.phase = RunPhase.Pending;
    }
  }

  /** The checkpoints that succeeded stages published, by stage name: what later stages use. */
  public static Map<String, String> published(TrainingRunStatus status) {
    Map<String, String> published = new HashMap<>();
    for (StageStatus stage : status.stages) {
      if (stage.phase == StagePhase.Succeeded && stage.checkpoint != null) {
        published.put(stage.name, stage.checkpoint);
      }
    }
    return published;
  }

  /** Copies rank 0's report; a step beyond the last one counts as progress for the watchdog. */
  public static void copyProgress(StageStatus stage, Progress report, Instant now) {
    if (stage.step == null || report.step() > stage.step) {
      stage.lastProgressTime = now.toString();
    }
    stage.step = (int) report.step();
    if (report.loss() != null) {
      stage.loss = report.loss();
    }
    if (report.metrics() != null && !report.metrics().isEmpty()) {
      stage.metrics = new LinkedHashMap<>(report.metrics());
    }
  }

  /** What a running stage says, with the rule for spec changes spelled out when one is pending. */
  public static String runningMessage(TrainingRun run, StageStatus stage) {
    String message =
        "stage "
            + stage.name
            + " attempt "
            + stage.attempt
            + (stage.step != null ? ", step " + stage.step + "/" + stage.totalSteps : "");
    Long generation = run.getMetadata().getGeneration();
    if (stage.specGeneration != null && generation != null && generation > stage.specGeneration) {
      message +=
          "; spec generation "
              + generation
              + " applies to stages that start from now on, and"
              + " to "
              + stage.name
              + " (planned from generation "
              + stage.specGeneration
              + ") at its next attempt";
    }
    return message;
  }

  public static Duration sinceStart(StageStatus stage, Instant now) {
    return stage.startTime == null
        ? Duration.ZERO
        : Duration.between(Instant.parse(stage.startTime), now);
  }
}
