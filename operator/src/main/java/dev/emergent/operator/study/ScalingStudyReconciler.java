package dev.emergent.operator.study;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.EventRecorder;
import dev.emergent.operator.status.StatusUpdate;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.StudyPlanner;
import dev.emergent.study.RunOutcome;
import dev.emergent.study.StudyStatuses;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reconciles a ScalingStudy: plan → read the child runs → status (with the fit once the ladder is
 * measured) → start the runs that may start. Level-based like the TrainingRun reconciler: children
 * have deterministic names and the study records what each measured, so a restarted operator
 * neither starts a run twice nor forgets one.
 */
@ControllerConfiguration(name = "scalingstudy")
public class ScalingStudyReconciler implements Reconciler<ScalingStudy> {
  private final StudyRuns runs;
  private final StudyConditions conditions;

  public ScalingStudyReconciler(StudyRuns runs, EventRecorder events) {
    this.runs = runs;
    this.conditions = new StudyConditions(events);
  }

  @Override
  public List<EventSource<?, ScalingStudy>> prepareEventSources(
      EventSourceContext<ScalingStudy> context) {
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(TrainingRun.class, ScalingStudy.class)
                .withLabelSelector(StudyPlanner.STUDY_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ScalingStudy.class))
                .build(),
            context));
  }

  @Override
  public UpdateControl<ScalingStudy> reconcile(ScalingStudy study, Context<ScalingStudy> context) {
    ScalingStudyStatus before =
        StatusUpdate.copy(study.getStatus(), ScalingStudyStatus.class, ScalingStudyStatus::new);
    ScalingStudyStatus status;
    try {
      StudyPlan plan = StudyPlanner.plan(study);
      Map<String, TrainingRun> children = children(study, context);
      Map<String, RunOutcome> outcomes = runs.outcomes(plan, children, before);
      status = StudyStatuses.of(plan, outcomes, Optional.ofNullable(before.fit));
      if (status.phase != StudyPhase.Failed) {
        startRuns(study, plan, status, children);
      }
      status.conditions = before.conditions;
      conditions.update(study, status, Instant.now());
    } catch (InvalidSpecException e) {
      status = new ScalingStudyStatus();
      status.phase = StudyPhase.Invalid;
      status.conditions = before.conditions;
      conditions.invalid(study, status, e, Instant.now());
    }
    status.observedGeneration = study.getMetadata().getGeneration();
    return StatusUpdate.patchIfChanged(
        study, before, status, Optional.empty(), ScalingStudy::new, context);
  }

  /** The study's runs that exist, by name; a same-named run it does not own is not one of them. */
  private static Map<String, TrainingRun> children(
      ScalingStudy study, Context<ScalingStudy> context) {
    String uid = study.getMetadata().getUid();
    return context.getSecondaryResources(TrainingRun.class).stream()
        .filter(
            run ->
                run.getMetadata().getOwnerReferences().stream()
                    .map(OwnerReference::getUid)
                    .anyMatch(uid::equals))
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
  }

  /**
   * Creates the next runs in ladder order, then the predict runs once the law is fitted, while
   * fewer than maxParallelRuns are unfinished.
   */
  private void startRuns(
      ScalingStudy study,
      StudyPlan plan,
      ScalingStudyStatus status,
      Map<String, TrainingRun> children) {
    long unfinished =
        status.results.stream()
            .filter(r -> children.containsKey(r.name))
            .filter(r -> r.phase != RunPhase.Succeeded)
            .count();
    for (StudyPlan.Run run : plan.runs()) {
      if (unfinished >= plan.maxParallelRuns()) {
        return;
      }
      if (run.role() == StudyPlan.Role.Predict && status.fit == null) {
        return;
      }
      boolean recorded =
          status.results.stream()
              .anyMatch(r -> r.name.equals(run.name()) && r.phase != RunPhase.Pending);
      if (!children.containsKey(run.name()) && !recorded) {
        runs.create(study, run);
        unfinished++;
      }
    }
  }
}
