package dev.emergent.operator;

import dev.emergent.api.v1alpha1.Condition;
import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.operator.admission.KueueWorkloads;
import dev.emergent.operator.admission.QuotaAdmission;
import dev.emergent.operator.admission.QuotaHolds;
import dev.emergent.operator.observe.AttemptState;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.status.Conditions;
import dev.emergent.plan.RunPlan;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The Admitted condition and each stage's admission times: a stage waits (Pending) while its gang
 * does not fit the namespace's quota or runs before it are first in line, waits (Queued) while
 * Kueue has not admitted its Job (or preempted it), and is admitted when its objects are created
 * within quota or Kueue lets its Job start. Events mark each change: QuotaExceeded, QuotaTooSmall,
 * WaitingForQuota, KueueNotInstalled, Queued, Preempted, Evicted, Admitted.
 */
@ApplicationScoped
public class StageAdmission {
  static final String QUEUED = "Queued";
  private final QuotaAdmission quota;
  private final KueueWorkloads kueue;
  private final AttemptObjects objects;
  private final EventRecorder events;
  private final OperatorConfig config;

  public StageAdmission(
      QuotaAdmission quota,
      KueueWorkloads kueue,
      AttemptObjects objects,
      EventRecorder events,
      OperatorConfig config) {
    this.quota = quota;
    this.kueue = kueue;
    this.objects = objects;
    this.events = events;
    this.config = config;
  }

  /**
   * Creates the attempt's Job (and, before the run's first, the run's own objects) when the stage
   * is admitted, and returns empty; else the stage waits, and this returns when to look again. The
   * API server's own quota admission has the last word: a create it refuses is a wait too, never a
   * crash loop.
   */
  Optional<Duration> createWhenAdmitted(
      RunContext ctx, StageStatus stage, StageAttempt attempt, RunPlan plan) {
    Optional<Duration> held = holdBack(ctx, stage, attempt);
    if (held.isPresent()) {
      return held;
    }
    try {
      objects.ensureRunObjects(attempt);
      objects.create(attempt, plan);
    } catch (KubernetesClientException e) {
      if (!QuotaAdmission.refusedByQuota(e)) {
        throw e;
      }
      String why = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
      String refused = "stage " + stage.name + ": the API server refused it: " + why;
      return Optional.of(
          waitForQuota(ctx, stage, new QuotaAdmission.Hold(QuotaHolds.QUOTA_EXCEEDED, refused)));
    }
    if (plan.settings().queueName() != null) {
      // Kueue makes the Workload after it sees the Job: there is none to read yet.
      notAdmitted(
          ctx, stage, QUEUED, "stage " + stage.name + ": waiting for Kueue to admit its Job");
    } else {
      admitted(ctx, stage, "created within quota");
    }
    return Optional.empty();
  }

  /**
   * Empty when the attempt may be created now; else it waits, and when to look again. A queued run
   * on a cluster without Kueue would wait forever for an admission nobody gives: it says so.
   */
  private Optional<Duration> holdBack(RunContext ctx, StageStatus stage, StageAttempt attempt) {
    if (attempt.plan().settings().queueName() != null && !kueue.installed()) {
      KueueWorkloads.View missing = KueueWorkloads.NOT_INSTALLED;
      return Optional.of(
          waitForQuota(ctx, stage, new QuotaAdmission.Hold(missing.reason(), missing.message())));
    }
    return quota.hold(attempt).map(hold -> waitForQuota(ctx, stage, hold));
  }

  /**
   * The stage waits for quota: the reconcile after a quota or a Job in the namespace changes looks
   * again; {@code admission-recheck} is a safety net behind those informers.
   */
  Duration waitForQuota(RunContext ctx, StageStatus stage, QuotaAdmission.Hold hold) {
    stage.phase = StagePhase.Pending;
    ctx.status().phase = RunPhase.Pending;
    notAdmitted(ctx, stage, hold.reason(), hold.message());
    ctx.conditions(hold.reason(), hold.message());
    // Behind another run, the line moves when that run's status does, which no informer of this
    // run sees: look again as often as progress is read.
    return QuotaHolds.WAITING_FOR_QUOTA.equals(hold.reason())
        ? config.progressInterval()
        : config.admissionRecheck();
  }

  /**
   * The attempt's Job is suspended: Kueue has not admitted it yet, or preempted it. The run says
   * what Kueue's Workload says (its message, Preempted or Evicted), else the observer's message.
   */
  void queued(RunContext ctx, StageStatus stage, StageAttempt attempt, AttemptState state) {
    Optional<KueueWorkloads.View> view = workload(attempt, state);
    notAdmitted(
        ctx,
        stage,
        view.map(KueueWorkloads.View::reason).orElse(QUEUED),
        "stage "
            + stage.name
            + ": "
            + view.map(KueueWorkloads.View::message).orElse(state.message()));
  }

  /** Kueue let the attempt's Job start: Admitted, with the ClusterQueue and flavor it names. */
  void admittedByKueue(
      RunContext ctx, StageStatus stage, StageAttempt attempt, AttemptState state) {
    String how =
        attempt.plan().settings().queueName() == null
            ? "resumed"
            : workload(attempt, state)
                .filter(KueueWorkloads.View::admitted)
                .map(KueueWorkloads.View::message)
                .orElse("admitted by Kueue");
    admitted(ctx, stage, how);
  }

  /** Kueue's view of the observed Job, for runs that name a queue. */
  private Optional<KueueWorkloads.View> workload(StageAttempt attempt, AttemptState state) {
    return attempt.plan().settings().queueName() == null
        ? Optional.empty()
        : kueue.of(attempt.namespace(), state.jobUid());
  }

  /** The attempt's objects were created within quota, or Kueue let its Job start. */
  void admitted(RunContext ctx, StageStatus stage, String how) {
    Instant now = ctx.now();
    boolean waitedAtAll = stage.waitingSince != null;
    long waited =
        stage.waitingSince == null
            ? 0
            : Duration.between(Instant.parse(stage.waitingSince), now).toSeconds();
    stage.admittedTime = now.toString();
    stage.waitedSeconds = waited;
    stage.waitingSince = null;
    String message =
        "stage " + stage.name + " " + how + (waited > 0 ? " after waiting " + waited + " s" : "");
    if (set(ctx, true, QuotaHolds.ADMITTED, message) && waitedAtAll) {
      events.normal(ctx.run(), QuotaHolds.ADMITTED, message);
    }
  }

  /** Whether the attempt is still waiting to be admitted (Kueue has not let its Job start). */
  static boolean waiting(StageStatus stage) {
    return stage.waitingSince != null;
  }

  private void notAdmitted(RunContext ctx, StageStatus stage, String reason, String message) {
    if (stage.waitingSince == null) {
      stage.waitingSince = ctx.now().toString();
    }
    stage.admittedTime = null;
    if (set(ctx, false, reason, message)) {
      events.warning(ctx.run(), reason, message);
    }
  }

  /** Sets Admitted; true when its status or reason changed, the moment an Event is due. */
  private static boolean set(RunContext ctx, boolean admitted, String reason, String message) {
    Condition before = Conditions.get(ctx.status().conditions, QuotaHolds.ADMITTED);
    boolean changed =
        before == null
            || !before.status.equals(admitted ? "True" : "False")
            || !reason.equals(before.reason);
    Conditions.set(
        ctx.status().conditions,
        QuotaHolds.ADMITTED,
        admitted,
        reason,
        message,
        ctx.generation(),
        ctx.now());
    return changed;
  }
}
