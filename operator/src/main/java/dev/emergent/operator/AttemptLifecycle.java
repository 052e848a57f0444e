package dev.emergent.operator;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.operator.observe.AttemptState;
import dev.emergent.operator.observe.Waiting;
import dev.emergent.operator.progress.ProgressPoller;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.status.StageStatuses;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.TerminationSummary;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of a stage from start to end: start it (after the restart backoff), watch it while it
 * waits or runs, complete it, or fail it and decide whether the next attempt restarts it. Each step
 * sets the stage's and the run's status and returns when to look again.
 */
@ApplicationScoped
public class AttemptLifecycle {
  private final OperatorConfig config;
  private final AttemptObjects objects;
  private final ProgressPoller progress;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final RunOutcomes outcomes;
  private final StageAdmission admission;

  public AttemptLifecycle(
      OperatorConfig config,
      AttemptObjects objects,
      ProgressPoller progress,
      EventRecorder events,
      OperatorMetrics metrics,
      RunOutcomes outcomes,
      StageAdmission admission) {
    this.config = config;
    this.objects = objects;
    this.progress = progress;
    this.events = events;
    this.metrics = metrics;
    this.outcomes = outcomes;
    this.admission = admission;
  }

  /** Creates the attempt's objects once the backoff has passed; earlier attempts' Jobs go first. */
  Optional<Duration> start(RunContext ctx, RunPlan plan, StageStatus stage, StageAttempt attempt) {
    objects.deleteEarlierAttempts(attempt);
    Instant now = ctx.now();
    if (stage.nextAttemptTime != null && now.isBefore(Instant.parse(stage.nextAttemptTime))) {
      stage.phase = StagePhase.Restarting;
      ctx.status().phase = RunPhase.Running;
      ctx.conditions("Restarting", "stage " + stage.name + " restarts at " + stage.nextAttemptTime);
      return Optional.of(Duration.between(now, Instant.parse(stage.nextAttemptTime)));
    }
    Optional<Duration> held = admission.createWhenAdmitted(ctx, stage, attempt, plan);
    if (held.isPresent()) {
      return held;
    }
    boolean queued = plan.settings().queueName() != null;
    stage.attempt = attempt.attempt();
    stage.restarts = Objects.requireNonNullElse(stage.restarts, 0);
    stage.phase = queued ? StagePhase.Queued : StagePhase.Running;
    stage.specGeneration = ctx.generation();
    stage.nextAttemptTime = null;
    stage.lastProgressTime = now.toString();
    if (stage.startTime == null) {
      stage.startTime = now.toString();
    }
    ctx.status().phase = queued ? RunPhase.Queued : RunPhase.Running;
    events.normal(
        ctx.run(),
        "AttemptStarted",
        "stage "
            + stage.name
            + " attempt "
            + attempt.attempt()
            + ": "
            + attempt.stage().pods()
            + (attempt.stage().pods() == 1 ? " pod" : " pods")
            + ", mesh "
            + attempt.stage().mesh());
    ctx.conditions(
        queued ? StageAdmission.QUEUED : "Running", StageStatuses.runningMessage(ctx.run(), stage));
    return Optional.of(config.progressInterval());
  }

  /**
   * Copies progress while the attempt is queued or runs. Only a running gang can stall: quiet time
   * counts from its last progress or from when its last trainer started, whichever is later.
   */
  Optional<Duration> watch(
      RunContext ctx, StageStatus stage, StageAttempt attempt, AttemptState state) {
    boolean queued = state.phase() == AttemptState.Phase.QUEUED;
    stage.phase = queued ? StagePhase.Queued : StagePhase.Running;
    ctx.status().phase = queued ? RunPhase.Queued : RunPhase.Running;
    if (queued) {
      admission.queued(ctx, stage, attempt, state);
    } else if (StageAdmission.waiting(stage)) {
      admission.admittedByKueue(ctx, stage, attempt, state);
    }
    if (state.progressUrl() != null) {
      progress.poll(attempt.name(), state.progressUrl());
    }
    progress
        .latest(attempt.name())
        .ifPresent(report -> StageStatuses.copyProgress(stage, report, ctx.now()));
    if (state.phase() == AttemptState.Phase.RUNNING && stage.lastProgressTime != null) {
      Instant lastProgress = Instant.parse(stage.lastProgressTime);
      Instant quietSince =
          state.since() != null && state.since().isAfter(lastProgress)
              ? state.since()
              : lastProgress;
      Duration quiet = Duration.between(quietSince, ctx.now());
      Duration stall = Duration.ofSeconds(attempt.plan().settings().stallTimeoutSeconds());
      if (quiet.compareTo(stall) > 0) {
        return fail(
            ctx,
            stage,
            attempt,
            AttemptState.Failure.CRASHED,
            "no progress for "
                + quiet.toSeconds()
                + " s (stallTimeoutSeconds "
                + stall.toSeconds()
                + ")");
      }
    }
    ctx.status().step = stage.step;
    ctx.status().loss = stage.loss;
    String message = StageStatuses.runningMessage(ctx.run(), stage);
    ctx.conditions(
        queued ? StageAdmission.QUEUED : "Running",
        state.message() == null ? message : message + "; " + state.message());
    // A queued attempt has no progress to read; Kueue admitting or evicting it changes its Job
    // or its Workload, and both are watched.
    return Optional.of(queued ? config.admissionRecheck() : config.progressInterval());
  }

  /** Pods that do not all run yet: held back for a reason the run names, or merely starting. */
  Optional<Duration> starting(
      RunContext ctx,
      StageStatus stage,
      StageAttempt attempt,
      AttemptState state,
      PersistentVolumeClaim claim,
      List<Pod> pods) {
    Duration starting = state.since() == null ? null : Duration.between(state.since(), ctx.now());
    return Waiting.of(claim, pods, ctx.now(), config.volumeBindGrace())
        .or(() -> Waiting.slowStart(pods, attempt.stage().pods(), starting, config.podStartLimit()))
        .map(waiting -> waitForPods(ctx, stage, waiting))
        .orElseGet(() -> watch(ctx, stage, attempt, state));
  }

  /** The attempt exists but its pods cannot run yet: the run is Pending and says why. */
  private Optional<Duration> waitForPods(RunContext ctx, StageStatus stage, Waiting waiting) {
    stage.phase = StagePhase.Pending;
    ctx.status().phase = RunPhase.Pending;
    ctx.conditions(waiting.reason(), "stage " + stage.name + ": " + waiting.message());
    return Optional.of(config.progressInterval());
  }

  /** Records the checkpoint and metrics rank 0's summary names; the next stage starts from it. */
  Optional<Duration> complete(
      RunContext ctx, StageStatus stage, StageAttempt attempt, AttemptState state) {
    Optional<TerminationSummary> summary = TerminationSummary.parse(state.summary());
    Map<String, Double> finalMetrics = summary.map(TerminationSummary::metrics).orElse(Map.of());
    stage.phase = StagePhase.Succeeded;
    stage.completionTime = ctx.now().toString();
    stage.checkpoint =
        summary
            .map(TerminationSummary::checkpoint)
            .orElse(CheckpointPaths.latest(ctx.run().getMetadata().getName(), stage.name));
    stage.step = summary.map(TerminationSummary::step).map(Long::intValue).orElse(stage.totalSteps);
    if (!finalMetrics.isEmpty()) {
      stage.metrics = new LinkedHashMap<>(finalMetrics);
      stage.loss = finalMetrics.get("loss");
    }
    progress.forget(attempt.name());
    metrics.stageFinished(
        attempt.stage().type().name(), "Succeeded", StageStatuses.sinceStart(stage, ctx.now()));
    events.normal(
        ctx.run(), "StageSucceeded", "stage " + stage.name + " published " + stage.checkpoint);
    return Optional.of(Duration.ZERO);
  }

  /**
   * Records the next attempt (and the restart, where it counts) in the status; the failed Job is
   * deleted when that attempt starts. A failure that a retry would repeat fails the run.
   */
  Optional<Duration> fail(
      RunContext ctx,
      StageStatus stage,
      StageAttempt attempt,
      AttemptState.Failure failure,
      String message) {
    progress.forget(attempt.name());
    Instant now = ctx.now();
    int restarts = Objects.requireNonNullElse(stage.restarts, 0);
    int budget = attempt.plan().settings().maxRestarts();
    switch (failure) {
      case LOSS_DIVERGED, BAD_INPUT, CHECKPOINT_CORRUPT -> {
        String reason =
            switch (failure) {
              case LOSS_DIVERGED -> "LossDiverged";
              case CHECKPOINT_CORRUPT -> "CheckpointCorrupt";
              default -> "BadInput";
            };
        return outcomes.failed(ctx, stage, attempt, reason, "stage " + stage.name + ": " + message);
      }
      case DISRUPTED -> {
        metrics.restart("Disrupted");
        events.normal(
            ctx.run(),
            "Disrupted",
            "stage "
                + stage.name
                + ": "
                + message
                + "; restarting from the latest checkpoint without using the restart budget");
        stage.nextAttemptTime = now.toString();
      }
      default -> {
        if (restarts >= budget) {
          return outcomes.failed(
              ctx,
              stage,
              attempt,
              "RestartBudgetExhausted",
              "stage " + stage.name + " failed after " + restarts + " restarts: " + message);
        }
        restarts++;
        Duration backoff = backoff(restarts);
        stage.nextAttemptTime = now.plus(backoff).toString();
        metrics.restart("Failed");
        events.warning(
            ctx.run(),
            "Restarting",
            "stage "
                + stage.name
                + ": "
                + message
                + "; restart "
                + restarts
                + " of "
                + budget
                + " in "
                + backoff.toSeconds()
                + " s from the latest checkpoint");
      }
    }
    stage.restarts = restarts;
    stage.attempt = attempt.attempt() + 1;
    stage.phase = StagePhase.Restarting;
    stage.message = message;
    ctx.status().phase = RunPhase.Running;
    ctx.conditions("Restarting", "stage " + stage.name + ": " + message);
    return Optional.of(Duration.between(now, Instant.parse(stage.nextAttemptTime)));
  }

  /** spec.suspend: the running attempt's objects go, its checkpoints stay; resuming starts anew. */
  Optional<Duration> suspend(
      RunContext ctx, StageStatus stage, StageAttempt attempt, boolean running) {
    if (running) {
      objects.delete(attempt);
      progress.forget(attempt.name());
      stage.attempt = attempt.attempt() + 1;
      events.normal(
          ctx.run(),
          "Suspended",
          "stage " + stage.name + " stopped; it resumes from its latest checkpoint");
    }
    stage.phase = StagePhase.Suspended;
    ctx.status().phase = RunPhase.Suspended;
    ctx.conditions("Suspended", "spec.suspend is true; the checkpoints are kept");
    return Optional.empty();
  }

  private Duration backoff(int restarts) {
    Duration backoff = config.restartBackoff().multipliedBy(1L << Math.min(restarts - 1, 20));
    return backoff.compareTo(config.maxRestartBackoff()) > 0 ? config.maxRestartBackoff() : backoff;
  }
}
