package dev.emergent.operator.resources;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.RunPlan;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The run's checkpoint volume, when the run does not name an existing claim. Gangs of several pods
 * may land on several nodes, so they need a ReadWriteMany volume; one-pod runs take ReadWriteOnce,
 * which every storage class offers.
 */
public final class CheckpointClaim {
  private CheckpointClaim() {}

  /** The claim every stage mounts: the run's own or the one it names. */
  public static String name(TrainingRun run, RunPlan plan) {
    return plan.settings().claimName() != null
        ? plan.settings().claimName()
        : Names.checkpointClaim(run.getMetadata().getName());
  }

  public static PersistentVolumeClaim desired(TrainingRun run, RunPlan plan) {
    boolean shared = plan.stages().stream().anyMatch(s -> s.pods() > 1);
    return new PersistentVolumeClaimBuilder()
        .withMetadata(StageAttempt.runMetadata(run, name(run, plan)))
        .withNewSpec()
        .withAccessModes(shared ? "ReadWriteMany" : "ReadWriteOnce")
        .withStorageClassName(plan.settings().storageClassName())
        .withNewResources()
        .addToRequests("storage", new Quantity(plan.settings().volumeSize()))
        .endResources()
        .endSpec()
        .build();
  }
}
