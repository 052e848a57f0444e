package dev.emergent.operator;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import dev.emergent.operator.admission.KueueWorkloads;
import dev.emergent.operator.admission.QuotaHolds;
import dev.emergent.operator.observe.AttemptObserver;
import dev.emergent.operator.observe.AttemptState;
import dev.emergent.operator.observe.ClusterCache;
import dev.emergent.operator.resources.Labels;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.status.StageStatuses;
import dev.emergent.operator.status.StatusUpdate;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.TerminationSummary;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a TrainingRun: observe → validate and plan → act on the current stage → status.
 * Level-based: everything it decides follows from the run's spec and status and from the Jobs and
 * pods in the cluster, so a restarted operator carries on where the last one stopped.
 */
@ControllerConfiguration(name = "trainingrun")
public class TrainingRunReconciler implements Reconciler<TrainingRun> {
  private static final String WAITING_FOR_QUOTA = "emergent.dev/waiting-for-quota";
  private final ClusterCache cache;
  private final AttemptObjects objects;
  private final AttemptLifecycle attempts;
  private final RunOutcomes outcomes;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final ImagePolicy images;
  private final KueueWorkloads kueue;

  public TrainingRunReconciler(
      ClusterCache cache,
      AttemptObjects objects,
      AttemptLifecycle attempts,
      RunOutcomes outcomes,
      EventRecorder events,
      OperatorMetrics metrics,
      ImagePolicy images,
      KueueWorkloads kueue) {
    this.cache = cache;
    this.objects = objects;
    this.attempts = attempts;
    this.outcomes = outcomes;
    this.events = events;
    this.metrics = metrics;
    this.images = images;
    this.kueue = kueue;
  }

  @Override
  public List<EventSource<?, TrainingRun>> prepareEventSources(
      EventSourceContext<TrainingRun> context) {
    metrics.countRunsIn(() -> context.getPrimaryCache().list());
    context
        .getPrimaryCache()
        .addIndexer(
            WAITING_FOR_QUOTA,
            run -> QuotaHolds.waiting(run) ? List.of(run.getMetadata().getNamespace()) : List.of());
    var owners = Mappers.<Job>fromOwnerReferences(TrainingRun.class);
    // A Job that starts or ends changes what is free, and who is first in line, in its namespace.
    var jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, TrainingRun.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR)
                .withSecondaryToPrimaryMapper(
                    job -> {
                      Set<ResourceID> runs = new HashSet<>(owners.toPrimaryResourceIDs(job));
                      runs.addAll(waitingForQuota(context, job.getMetadata().getNamespace()));
                      return runs;
                    })
                .build(),
            context);
    var quotas =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ResourceQuota.class, TrainingRun.class)
                .withSecondaryToPrimaryMapper(
                    quota -> waitingForQuota(context, quota.getMetadata().getNamespace()))
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
    cache.readFrom(jobs, pods, quotas);
    return List.of(jobs, pods, quotas);
  }

  /** The runs of a namespace whose current stage waits for its quota (indexed: no scan). */
  private static Set<ResourceID> waitingForQuota(
      EventSourceContext<TrainingRun> context, String namespace) {
    return context.getPrimaryCache().byIndex(WAITING_FOR_QUOTA, namespace).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  @Override
  public UpdateControl<TrainingRun> reconcile(TrainingRun run, Context<TrainingRun> context) {
    Timer.Sample timer = metrics.startReconcile();
    try {
      return reconcileRun(run, context);
    } finally {
      metrics.endReconcile(timer);
    }
  }

  private UpdateControl<TrainingRun> reconcileRun(TrainingRun run, Context<TrainingRun> context) {
    TrainingRunStatus before = StatusUpdate.copy(run.getStatus());
    RunContext ctx = new RunContext(run, StatusUpdate.copy(run.getStatus()), Instant.now());
    RunPlan plan;
    try {
      plan = images.admit(Planner.plan(run, StageStatuses.published(ctx.status())));
    } catch (InvalidSpecException e) {
      outcomes.invalidSpec(ctx, e);
      return StatusUpdate.patchIfChanged(run, before, ctx.status(), Optional.empty(), context);
    }
    StageStatuses.sync(ctx.status(), plan);
    if (plan.settings().queueName() != null) {
      kueue.watch(context.eventSourceRetriever(), run.getMetadata().getNamespace());
    }
    Optional<Duration> requeue;
    if (ctx.status().phase == RunPhase.Failed) {
      requeue = outcomes.expireAfterTtl(ctx);
    } else if (ctx.status().stages.stream().allMatch(s -> s.phase == StagePhase.Succeeded)) {
      outcomes.succeeded(ctx);
      requeue = outcomes.expireAfterTtl(ctx);
    } else {
      requeue = advanceCurrentStage(ctx, plan);
    }
    ctx.status().observedGeneration = ctx.generation();
    return StatusUpdate.patchIfChanged(run, before, ctx.status(), requeue, context);
  }

  /** Starts, watches, restarts, suspends or completes the first stage that has not succeeded. */
  private Optional<Duration> advanceCurrentStage(RunContext ctx, RunPlan plan) {
    StageStatus stage =
        ctx.status().stages.stream()
            .filter(s -> s.phase != StagePhase.Succeeded)
            .findFirst()
            .orElseThrow();
    StagePlan stagePlan = plan.stage(stage.name).orElseThrow();
    ctx.status().currentStage = stage.name;
    stage.totalSteps = stagePlan.config().steps();
    StageAttempt attempt =
        new StageAttempt(ctx.run(), plan, stagePlan, stage.attempt == null ? 1 : stage.attempt);
    Job job = objects.job(attempt);

    if (Boolean.TRUE.equals(ctx.run().getSpec().suspend)) {
      return attempts.suspend(ctx, stage, attempt, job != null);
    }
    if (job == null) {
      return attempts.start(ctx, plan, stage, attempt);
    }
    List<Pod> pods = objects.pods(attempt, job);
    AttemptState state = AttemptObserver.observe(job, pods, objects.progressPort());
    if (state.ended()) {
      pods = objects.podsAsServed(attempt, job);
      state = AttemptObserver.observe(job, pods, objects.progressPort());
    }
    reportCheckpointFallback(ctx, stage, state);
    return switch (state.phase()) {
      case STARTING ->
          attempts.starting(ctx, stage, attempt, state, objects.claim(ctx.run(), plan), pods);
      case ABSENT, QUEUED, RUNNING -> attempts.watch(ctx, stage, attempt, state);
      case SUCCEEDED -> attempts.complete(ctx, stage, attempt, state);
      case FAILED -> attempts.fail(ctx, stage, attempt, state.failure(), state.message());
    };
  }

  /** A trainer that resumed from an older checkpoint than latest says so in its summary. */
  private void reportCheckpointFallback(RunContext ctx, StageStatus stage, AttemptState state) {
    TerminationSummary.parse(state.summary())
        .map(TerminationSummary::checkpointFallback)
        .ifPresent(
            fallback ->
                events.warning(
                    ctx.run(),
                    "CheckpointFallback",
                    "stage "
                        + stage.name
                        + ": its latest checkpoint failed verification; "
                        + fallback));
  }
}
