package dev.emergent.operator.study;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingFit;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyPhase;
import dev.emergent.api.v1alpha1.StudyRunStatus;
import dev.emergent.operator.EventRecorder;
import dev.emergent.operator.status.Conditions;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.study.StudyStatuses;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * The conditions of a study (Fitted, Succeeded, Failed) and an Event when each first becomes true:
 * what a person watching {@code kubectl describe} wants to read.
 */
final class StudyConditions {
  static final String FITTED = "Fitted";

  private final EventRecorder events;

  StudyConditions(EventRecorder events) {
    this.events = events;
  }

  void invalid(ScalingStudy study, ScalingStudyStatus status, InvalidSpecException e, Instant now) {
    String message =
        e.violations().stream().map(Object::toString).collect(Collectors.joining("; "));
    set(study, status, Conditions.FAILED, true, "InvalidSpec", message, now);
  }

  void update(ScalingStudy study, ScalingStudyStatus status, Instant now) {
    Long generation = study.getMetadata().getGeneration();
    if (status.fit != null) {
      set(study, status, FITTED, true, "Fitted", fitted(status.fit), now);
    } else {
      Conditions.set(
          status.conditions,
          FITTED,
          false,
          "LadderRunning",
          status.done
              + " of "
              + status.results.stream().filter(r -> "Ladder".equals(r.role)).count()
              + " ladder runs done",
          generation,
          now);
    }
    status.results.stream()
        .filter(r -> r.phase == RunPhase.Failed)
        .findFirst()
        .ifPresent(
            failed ->
                set(
                    study,
                    status,
                    Conditions.FAILED,
                    true,
                    "RunFailed",
                    "run "
                        + failed.name
                        + " failed; see kubectl describe trainingrun "
                        + failed.name,
                    now));
    if (status.phase == StudyPhase.Succeeded) {
      set(study, status, Conditions.SUCCEEDED, true, "Predicted", outcome(status), now);
    }
  }

  private void set(
      ScalingStudy study,
      ScalingStudyStatus status,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    boolean already =
        Conditions.get(status.conditions, type) != null
            && "True".equals(Conditions.get(status.conditions, type).status);
    Conditions.set(
        status.conditions, type, value, reason, message, study.getMetadata().getGeneration(), now);
    if (!already) {
      if (type.equals(Conditions.FAILED)) {
        events.warning(study, reason, message);
      } else {
        events.normal(study, reason, message);
      }
    }
  }

  private static String fitted(ScalingFit fit) {
    return String.format(
        "L(N, D) = %.3f + %.3g/N^%.3f + %.3g/D^%.3f from %d runs (alpha %.3f–%.3f, beta"
            + " %.3f–%.3f)",
        fit.e.value,
        fit.a.value,
        fit.alpha.value,
        fit.b.value,
        fit.beta.value,
        fit.runs,
        fit.alpha.low,
        fit.alpha.high,
        fit.beta.low,
        fit.beta.high);
  }

  private static String outcome(ScalingStudyStatus status) {
    return status.results.stream()
        .filter(r -> "Predict".equals(r.role))
        .map(StudyConditions::prediction)
        .collect(Collectors.joining("; "));
  }

  private static String prediction(StudyRunStatus r) {
    return String.format(
        "%s: predicted %.4f measured %.4f error %+.2f%%",
        r.name,
        r.predictedLoss,
        r.evalLoss,
        StudyStatuses.errorPercent(r.predictedLoss, r.evalLoss));
  }
}
