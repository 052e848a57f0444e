package dev.emergent.operator.resources;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** One attempt of one stage of a run: what every per-attempt builder starts from. */
public record StageAttempt(TrainingRun run, RunPlan plan, StagePlan stage, int attempt) {

  public String name() {
    return Names.attempt(run.getMetadata().getName(), stage.name(), attempt);
  }

  public String namespace() {
    return run.getMetadata().getNamespace();
  }

  public Map<String, String> labels() {
    return Labels.attempt(run.getMetadata().getName(), stage.name(), attempt);
  }

  /**
   * Metadata of an object that lives as long as the run (its checkpoint claim, token, Service and
   * NetworkPolicy): the run's labels, the run as owner.
   */
  public static ObjectMeta runMetadata(TrainingRun run, String objectName) {
    return new ObjectMetaBuilder()
        .withName(objectName)
        .withNamespace(run.getMetadata().getNamespace())
        .withLabels(Labels.run(run.getMetadata().getName()))
        .withOwnerReferences(owner(run))
        .build();
  }

  /** Makes the run the controller owner, so that deleting the run deletes the object. */
  public static OwnerReference owner(TrainingRun run) {
    return new OwnerReferenceBuilder()
        .withApiVersion(run.getApiVersion())
        .withKind(run.getKind())
        .withName(run.getMetadata().getName())
        .withUid(run.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
