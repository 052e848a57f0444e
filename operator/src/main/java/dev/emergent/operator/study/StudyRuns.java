package dev.emergent.operator.study;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.StudyRunStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.StudyPlan;
import dev.emergent.study.RunOutcome;
import dev.emergent.study.StudyStatuses;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child TrainingRuns of a study: what each one measured, read from its status or, for a run
 * that is gone (deleted by its TTL, or by hand) after it finished, from the study's own record; and
 * the creation of a missing one, owned by the study so that deleting the study deletes it.
 */
@ApplicationScoped
public class StudyRuns {
  private final KubernetesClient client;

  public StudyRuns(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The outcome of every run of the plan: from the child if it exists, else from the study's status
   * if that says it finished, else pending.
   */
  public Map<String, RunOutcome> outcomes(
      StudyPlan plan, Map<String, TrainingRun> children, ScalingStudyStatus recorded) {
    Map<String, StudyRunStatus> finished = new HashMap<>();
    if (recorded != null) {
      recorded.results.stream()
          .filter(r -> r.phase == RunPhase.Succeeded || r.phase == RunPhase.Failed)
          .forEach(r -> finished.put(r.name, r));
    }
    Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
    for (StudyPlan.Run run : plan.runs()) {
      TrainingRun child = children.get(run.name());
      if (child != null) {
        outcomes.put(run.name(), outcome(child));
      } else if (finished.containsKey(run.name())) {
        outcomes.put(run.name(), StudyStatuses.recorded(plan, finished.get(run.name())));
      }
    }
    return outcomes;
  }

  /**
   * Creates a run of the study; a run that exists already (the cache had not seen it yet) is left
   * as it is.
   */
  public void create(ScalingStudy study, StudyPlan.Run run) {
    TrainingRun child = run.run();
    child
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(study.getApiVersion())
                    .withKind(study.getKind())
                    .withName(study.getMetadata().getName())
                    .withUid(study.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build()));
    try {
      client.resource(child).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  private static RunOutcome outcome(TrainingRun child) {
    if (child.getStatus() == null || child.getStatus().phase == null) {
      return RunOutcome.pending();
    }
    Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
    for (StageStatus stage : child.getStatus().stages) {
      if (stage.metrics != null) {
        metrics.put(stage.name, stage.metrics);
      }
    }
    return new RunOutcome(child.getStatus().phase, metrics);
  }
}
