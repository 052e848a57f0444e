package dev.emergent.operator;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.status.Conditions;
import dev.emergent.operator.status.StageStatuses;
import dev.emergent.plan.InvalidSpecException;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** How a run ends (every stage succeeded, a stage failed for good, an invalid spec) and its TTL. */
@ApplicationScoped
public class RunOutcomes {
  private final KubernetesClient client;
  private final EventRecorder events;
  private final OperatorMetrics metrics;

  public RunOutcomes(KubernetesClient client, EventRecorder events, OperatorMetrics metrics) {
    this.client = client;
    this.events = events;
    this.metrics = metrics;
  }

  void succeeded(RunContext ctx) {
    TrainingRunStatus status = ctx.status();
    if (status.phase != RunPhase.Succeeded) {
      events.normal(ctx.run(), "Succeeded", "all " + status.stages.size() + " stages succeeded");
    }
    status.phase = RunPhase.Succeeded;
    status.currentStage = null;
    ctx.conditions(
        "Succeeded",
        "all stages succeeded; last checkpoint "
            + status.stages.get(status.stages.size() - 1).checkpoint);
  }

  /** A spec the planner refuses: nothing runs until the spec changes. */
  void invalidSpec(RunContext ctx, InvalidSpecException e) {
    TrainingRunStatus status = ctx.status();
    if (status.phase != RunPhase.Failed
        || !Objects.equals(status.observedGeneration, ctx.generation())) {
      events.warning(ctx.run(), "InvalidSpec", e.getMessage());
    }
    status.phase = RunPhase.Failed;
    status.observedGeneration = ctx.generation();
    ctx.conditions("InvalidSpec", e.getMessage());
  }

  /** A stage that failed for good fails the run; its last Job stays for its pods' logs. */
  Optional<Duration> failed(
      RunContext ctx, StageStatus stage, StageAttempt attempt, String reason, String message) {
    stage.phase = StagePhase.Failed;
    stage.message = message;
    stage.completionTime = ctx.now().toString();
    ctx.status().phase = RunPhase.Failed;
    metrics.stageFinished(
        attempt.stage().type().name(), reason, StageStatuses.sinceStart(stage, ctx.now()));
    events.warning(ctx.run(), reason, message);
    ctx.conditions(reason, message);
    return expireAfterTtl(ctx);
  }

  /** Deletes a finished run once its TTL has passed; otherwise the time left. */
  Optional<Duration> expireAfterTtl(RunContext ctx) {
    Long ttl = ctx.run().getSpec().ttlSecondsAfterFinished;
    TrainingRunStatus status = ctx.status();
    var finished =
        Conditions.get(
            status.conditions,
            status.phase == RunPhase.Succeeded ? Conditions.SUCCEEDED : Conditions.FAILED);
    if (ttl == null || finished == null || finished.lastTransitionTime == null) {
      return Optional.empty();
    }
    Instant expiry = Instant.parse(finished.lastTransitionTime).plusSeconds(ttl);
    if (ctx.now().isBefore(expiry)) {
      return Optional.of(Duration.between(ctx.now(), expiry));
    }
    events.normal(
        ctx.run(), "Expired", "ttlSecondsAfterFinished (" + ttl + " s) passed; deleting the run");
    client.resource(ctx.run()).delete();
    return Optional.empty();
  }
}
