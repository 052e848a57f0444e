package dev.emergent.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import dev.emergent.operator.observe.AttemptObserver;
import dev.emergent.operator.observe.AttemptState;
import dev.emergent.operator.observe.Waiting;
import dev.emergent.operator.progress.ProgressPoller;
import dev.emergent.operator.resources.Labels;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.status.Conditions;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.Planner;
import dev.emergent.plan.Progress;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.TerminationSummary;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reconciles a TrainingRun: observe → validate and plan → act on the current stage → status.
 * Level-based: everything it decides follows from the run's spec and status and from the Jobs and
 * pods in the cluster, so a restarted operator carries on where the last one stopped.
 */
@ControllerConfiguration(name = "trainingrun")
public class TrainingRunReconciler implements Reconciler<TrainingRun> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final AttemptObjects objects;
  private final ProgressPoller progress;
  private final EventRecorder events;
  private final OperatorMetrics metrics;

  public TrainingRunReconciler(
      KubernetesClient client,
      OperatorConfig config,
      AttemptObjects objects,
      ProgressPoller progress,
      EventRecorder events,
      OperatorMetrics metrics) {
    this.client = client;
    this.config = config;
    this.objects = objects;
    this.progress = progress;
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, TrainingRun>> prepareEventSources(
      EventSourceContext<TrainingRun> context) {
    metrics.countRunsIn(() -> context.getPrimaryCache().list());
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, TrainingRun.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TrainingRun.class))
                .build(),
            context);
    var pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, TrainingRun.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withSecondaryToPrimaryMapper(
                    Mappers.fromLabel(Labels.RUN, null, TrainingRun.class))
                .build(),
            context);
    return List.of(jobs, pods);
  }

  @Override
  public UpdateControl<TrainingRun> reconcile(TrainingRun cached, Context<TrainingRun> context) {
    Timer.Sample timer = metrics.startReconcile();
    try {
      // The informer's copy can lag behind the status this operator patched a moment ago; acting
      // on it could start an attempt that was just replaced. One GET reads our own last write.
      TrainingRun run = client.resource(cached).get();
      if (run == null) {
        return UpdateControl.noUpdate();
      }
      return reconcileRun(run);
    } finally {
      metrics.endReconcile(timer);
    }
  }

  private UpdateControl<TrainingRun> reconcileRun(TrainingRun run) {
    Instant now = Instant.now();
    TrainingRunStatus before = copy(run.getStatus());
    TrainingRunStatus status = copy(run.getStatus());
    Long generation = run.getMetadata().getGeneration();
    Optional<Duration> requeue;

    RunPlan plan;
    try {
      plan = Planner.plan(run, publishedCheckpoints(status));
    } catch (InvalidSpecException e) {
      invalidSpec(run, status, e, now);
      return finish(run, before, status, Optional.empty());
    }
    syncStages(status, plan);
    if (status.phase == RunPhase.Failed) {
      requeue = expireAfterTtl(run, status, now);
    } else if (status.stages.stream().allMatch(s -> s.phase == StagePhase.Succeeded)) {
      succeeded(run, status, now);
      requeue = expireAfterTtl(run, status, now);
    } else {
      objects.ensureClaim(run, plan);
      requeue = advanceCurrentStage(run, plan, status, now);
    }
    status.observedGeneration = generation;
    return finish(run, before, status, requeue);
  }

  /** Starts, watches, restarts, suspends or completes the first stage that has not succeeded. */
  private Optional<Duration> advanceCurrentStage(
      TrainingRun run, RunPlan plan, TrainingRunStatus status, Instant now) {
    StageStatus stage =
        status.stages.stream()
            .filter(s -> s.phase != StagePhase.Succeeded)
            .findFirst()
            .orElseThrow();
    StagePlan stagePlan = plan.stage(stage.name).orElseThrow();
    status.currentStage = stage.name;
    stage.totalSteps = stagePlan.config().steps();
    StageAttempt attempt =
        new StageAttempt(run, plan, stagePlan, stage.attempt == null ? 1 : stage.attempt);
    Job job = objects.job(attempt);

    if (Boolean.TRUE.equals(run.getSpec().suspend)) {
      if (job != null) {
        objects.delete(attempt);
        progress.forget(attempt.name());
        stage.attempt = attempt.attempt() + 1;
        events.normal(
            run,
            "Suspended",
            "stage " + stage.name + " stopped; it resumes from its latest checkpoint");
      }
      stage.phase = StagePhase.Suspended;
      status.phase = RunPhase.Suspended;
      conditions(run, status, now, "Suspended", "spec.suspend is true; the checkpoints are kept");
      return Optional.empty();
    }
    if (job == null) {
      return startAttempt(run, plan, status, stage, attempt, now);
    }
    List<Pod> pods = objects.pods(attempt, job);
    AttemptState state = AttemptObserver.observe(job, pods, objects.progressPort());
    TerminationSummary.parse(state.summary())
        .map(TerminationSummary::checkpointFallback)
        .ifPresent(
            fallback ->
                events.warning(
                    run,
                    "CheckpointFallback",
                    "stage "
                        + stage.name
                        + ": its latest checkpoint failed verification; "
                        + fallback));
    return switch (state.phase()) {
      case STARTING -> {
        Optional<Waiting> waiting = Waiting.of(objects.claim(run, plan), pods);
        if (waiting.isPresent()) {
          yield waitForPods(run, status, stage, waiting.get(), now);
        }
        yield watch(run, status, stage, attempt, state, now);
      }
      case ABSENT, QUEUED, RUNNING -> watch(run, status, stage, attempt, state, now);
      case SUCCEEDED -> completed(run, plan, status, stage, attempt, state, now);
      case FAILED ->
          failedAttempt(run, status, stage, attempt, state.failure(), state.message(), now);
    };
  }

  private Optional<Duration> startAttempt(
      TrainingRun run,
      RunPlan plan,
      TrainingRunStatus status,
      StageStatus stage,
      StageAttempt attempt,
      Instant now) {
    objects.deleteEarlierAttempts(attempt);
    if (stage.nextAttemptTime != null && now.isBefore(Instant.parse(stage.nextAttemptTime))) {
      stage.phase = StagePhase.Restarting;
      status.phase = RunPhase.Running;
      conditions(
          run,
          status,
          now,
          "Restarting",
          "stage " + stage.name + " restarts at " + stage.nextAttemptTime);
      return Optional.of(Duration.between(now, Instant.parse(stage.nextAttemptTime)));
    }
    objects.create(attempt, plan);
    boolean queued = plan.settings().queueName() != null;
    stage.attempt = attempt.attempt();
    stage.restarts = Objects.requireNonNullElse(stage.restarts, 0);
    stage.phase = queued ? StagePhase.Queued : StagePhase.Running;
    stage.specGeneration = run.getMetadata().getGeneration();
    stage.nextAttemptTime = null;
    stage.lastProgressTime = now.toString();
    if (stage.startTime == null) {
      stage.startTime = now.toString();
    }
    status.phase = queued ? RunPhase.Queued : RunPhase.Running;
    events.normal(
        run,
        "AttemptStarted",
        "stage "
            + stage.name
            + " attempt "
            + attempt.attempt()
            + ": "
            + attempt.stage().pods()
            + " pods, mesh "
            + attempt.stage().mesh());
    conditions(run, status, now, queued ? "Queued" : "Running", runningMessage(run, stage));
    return Optional.of(config.progressInterval());
  }

  private Optional<Duration> watch(
      TrainingRun run,
      TrainingRunStatus status,
      StageStatus stage,
      StageAttempt attempt,
      AttemptState state,
      Instant now) {
    boolean queued = state.phase() == AttemptState.Phase.QUEUED;
    stage.phase = queued ? StagePhase.Queued : StagePhase.Running;
    status.phase = queued ? RunPhase.Queued : RunPhase.Running;
    if (state.progressUrl() != null) {
      progress.poll(attempt.name(), state.progressUrl());
    }
    progress.latest(attempt.name()).ifPresent(report -> copyProgress(stage, report, now));
    // Only a running gang can stall: time queued, Pending or pulling an image is not quiet time.
    if (state.phase() == AttemptState.Phase.RUNNING && stage.lastProgressTime != null) {
      Instant lastProgress = Instant.parse(stage.lastProgressTime);
      Instant quietSince =
          state.runningSince() != null && state.runningSince().isAfter(lastProgress)
              ? state.runningSince()
              : lastProgress;
      Duration quiet = Duration.between(quietSince, now);
      Duration stall = Duration.ofSeconds(attempt.plan().settings().stallTimeoutSeconds());
      if (quiet.compareTo(stall) > 0) {
        return failedAttempt(
            run,
            status,
            stage,
            attempt,
            AttemptState.Failure.CRASHED,
            "no progress for "
                + quiet.toSeconds()
                + " s (stallTimeoutSeconds "
                + stall.toSeconds()
                + ")",
            now);
      }
    }
    status.step = stage.step;
    status.loss = stage.loss;
    String message = runningMessage(run, stage);
    conditions(
        run,
        status,
        now,
        queued ? "Queued" : "Running",
        state.message() == null ? message : message + "; " + state.message());
    return Optional.of(config.progressInterval());
  }

  /** The attempt exists but its pods cannot run yet: the run is Pending and says why. */
  private Optional<Duration> waitForPods(
      TrainingRun run, TrainingRunStatus status, StageStatus stage, Waiting waiting, Instant now) {
    stage.phase = StagePhase.Pending;
    status.phase = RunPhase.Pending;
    conditions(
        run, status, now, waiting.reason(), "stage " + stage.name + ": " + waiting.message());
    return Optional.of(config.progressInterval());
  }

  private Optional<Duration> completed(
      TrainingRun run,
      RunPlan plan,
      TrainingRunStatus status,
      StageStatus stage,
      StageAttempt attempt,
      AttemptState state,
      Instant now) {
    Optional<TerminationSummary> summary = TerminationSummary.parse(state.summary());
    Map<String, Double> finalMetrics = summary.map(TerminationSummary::metrics).orElse(Map.of());
    stage.phase = StagePhase.Succeeded;
    stage.completionTime = now.toString();
    stage.checkpoint =
        summary
            .map(TerminationSummary::checkpoint)
            .orElse(CheckpointPaths.latest(run.getMetadata().getName(), stage.name));
    stage.step = summary.map(TerminationSummary::step).map(Long::intValue).orElse(stage.totalSteps);
    if (!finalMetrics.isEmpty()) {
      stage.metrics = new LinkedHashMap<>(finalMetrics);
      stage.loss = finalMetrics.get("loss");
    }
    objects.releaseNetwork(attempt);
    progress.forget(attempt.name());
    metrics.stageFinished(attempt.stage().type().name(), "Succeeded", sinceStart(stage, now));
    events.normal(run, "StageSucceeded", "stage " + stage.name + " published " + stage.checkpoint);
    return Optional.of(Duration.ZERO);
  }

  private Optional<Duration> failedAttempt(
      TrainingRun run,
      TrainingRunStatus status,
      StageStatus stage,
      StageAttempt attempt,
      AttemptState.Failure failure,
      String message,
      Instant now) {
    progress.forget(attempt.name());
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
        return failRun(
            run, status, stage, attempt, reason, "stage " + stage.name + ": " + message, now);
      }
      case DISRUPTED -> {
        metrics.restart("Disrupted");
        events.normal(
            run,
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
          return failRun(
              run,
              status,
              stage,
              attempt,
              "RestartBudgetExhausted",
              "stage " + stage.name + " failed after " + restarts + " restarts: " + message,
              now);
        }
        restarts++;
        Duration backoff = backoff(restarts);
        stage.nextAttemptTime = now.plus(backoff).toString();
        metrics.restart("Failed");
        events.warning(
            run,
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
    status.phase = RunPhase.Running;
    conditions(run, status, now, "Restarting", "stage " + stage.name + ": " + message);
    return Optional.of(Duration.between(now, Instant.parse(stage.nextAttemptTime)));
  }

  private Optional<Duration> failRun(
      TrainingRun run,
      TrainingRunStatus status,
      StageStatus stage,
      StageAttempt attempt,
      String reason,
      String message,
      Instant now) {
    objects.releaseNetwork(attempt);
    stage.phase = StagePhase.Failed;
    stage.message = message;
    stage.completionTime = now.toString();
    status.phase = RunPhase.Failed;
    metrics.stageFinished(attempt.stage().type().name(), reason, sinceStart(stage, now));
    events.warning(run, reason, message);
    Conditions.forPhase(
        status.conditions,
        RunPhase.Failed,
        reason,
        message,
        run.getMetadata().getGeneration(),
        now);
    return expireAfterTtl(run, status, now);
  }

  private void succeeded(TrainingRun run, TrainingRunStatus status, Instant now) {
    Long generation = run.getMetadata().getGeneration();
    if (status.phase != RunPhase.Succeeded) {
      events.normal(run, "Succeeded", "all " + status.stages.size() + " stages succeeded");
    }
    status.phase = RunPhase.Succeeded;
    status.currentStage = null;
    String message =
        "all stages succeeded; last checkpoint "
            + status.stages.get(status.stages.size() - 1).checkpoint;
    Conditions.forPhase(
        status.conditions, RunPhase.Succeeded, "Succeeded", message, generation, now);
  }

  private void invalidSpec(
      TrainingRun run, TrainingRunStatus status, InvalidSpecException e, Instant now) {
    Long generation = run.getMetadata().getGeneration();
    String message = e.getMessage();
    if (status.phase != RunPhase.Failed || !Objects.equals(status.observedGeneration, generation)) {
      events.warning(run, "InvalidSpec", message);
    }
    status.phase = RunPhase.Failed;
    status.observedGeneration = generation;
    Conditions.forPhase(
        status.conditions, RunPhase.Failed, "InvalidSpec", message, generation, now);
  }

  /** Running-phase conditions, with the rule for spec changes spelled out when one is pending. */
  private void conditions(
      TrainingRun run, TrainingRunStatus status, Instant now, String reason, String message) {
    Conditions.forPhase(
        status.conditions, status.phase, reason, message, run.getMetadata().getGeneration(), now);
  }

  private static String runningMessage(TrainingRun run, StageStatus stage) {
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

  private void copyProgress(StageStatus stage, Progress report, Instant now) {
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

  private static Duration sinceStart(StageStatus stage, Instant now) {
    return stage.startTime == null
        ? Duration.ZERO
        : Duration.between(Instant.parse(stage.startTime), now);
  }

  private Duration backoff(int restarts) {
    Duration backoff = config.restartBackoff().multipliedBy(1L << Math.min(restarts - 1, 20));
    return backoff.compareTo(config.maxRestartBackoff()) > 0 ? config.maxRestartBackoff() : backoff;
  }

  /** Deletes a finished run once its TTL has passed; otherwise the time left. */
  private Optional<Duration> expireAfterTtl(
      TrainingRun run, TrainingRunStatus status, Instant now) {
    Long ttl = run.getSpec().ttlSecondsAfterFinished;
    var finished =
        Conditions.get(
            status.conditions,
            status.phase == RunPhase.Succeeded ? Conditions.SUCCEEDED : Conditions.FAILED);
    if (ttl == null || finished == null || finished.lastTransitionTime == null) {
      return Optional.empty();
    }
    Instant expiry = Instant.parse(finished.lastTransitionTime).plusSeconds(ttl);
    if (now.isBefore(expiry)) {
      return Optional.of(Duration.between(now, expiry));
    }
    events.normal(
        run, "Expired", "ttlSecondsAfterFinished (" + ttl + " s) passed; deleting the run");
    client.resource(run).delete();
    return Optional.empty();
  }

  /** One status entry per spec stage, in spec order, keeping what was recorded before. */
  private static void syncStages(TrainingRunStatus status, RunPlan plan) {
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

  private static Map<String, String> publishedCheckpoints(TrainingRunStatus status) {
    Map<String, String> published = new HashMap<>();
    for (StageStatus stage : status.stages) {
      if (stage.phase == StagePhase.Succeeded && stage.checkpoint != null) {
        published.put(stage.name, stage.checkpoint);
      }
    }
    return published;
  }

  private UpdateControl<TrainingRun> finish(
      TrainingRun run,
      TrainingRunStatus before,
      TrainingRunStatus status,
      Optional<Duration> requeue) {
    UpdateControl<TrainingRun> control;
    if (json(before).equals(json(status))) {
      control = UpdateControl.noUpdate();
    } else {
      TrainingRun patch = new TrainingRun();
      patch.setMetadata(
          new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
              .withName(run.getMetadata().getName())
              .withNamespace(run.getMetadata().getNamespace())
              .withResourceVersion(run.getMetadata().getResourceVersion())
              .build());
      patch.setStatus(status);
      control = UpdateControl.patchStatus(patch);
    }
    requeue.ifPresent(
        delay -> control.rescheduleAfter(delay.isZero() ? Duration.ofMillis(1) : delay));
    return control;
  }

  private static TrainingRunStatus copy(TrainingRunStatus status) {
    if (status == null) {
      return new TrainingRunStatus();
    }
    try {
      return JSON.readValue(JSON.writeValueAsString(status), TrainingRunStatus.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be copied", e);
    }
  }

  private static String json(TrainingRunStatus status) {
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be written", e);
    }
  }
}
