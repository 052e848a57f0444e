package dev.emergent.operator;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.resources.CheckpointClaim;
import dev.emergent.operator.resources.Labels;
import dev.emergent.operator.resources.Names;
import dev.emergent.operator.resources.RunTokenSecret;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.resources.StageConfigMap;
import dev.emergent.operator.resources.StageJob;
import dev.emergent.operator.resources.StageService;
import dev.emergent.plan.RunPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.List;

/**
 * Creates and deletes the objects of stage attempts. Every object is created once and never
 * updated: an attempt's config, token and pod template are fixed for its life (a spec change
 * reaches the next attempt), and the Job's {@code suspend} belongs to Kueue once created. So no
 * field is ever fought over with another field manager.
 */
@ApplicationScoped
public class AttemptObjects {
  private final KubernetesClient client;
  private final OperatorConfig config;

  public AttemptObjects(KubernetesClient client, OperatorConfig config) {
    this.client = client;
    this.config = config;
  }

  /** The run's checkpoint claim, created if the run has none of its own. */
  public void ensureClaim(TrainingRun run, RunPlan plan) {
    if (plan.settings().claimName() == null) {
      createIfAbsent(CheckpointClaim.desired(run, plan));
    }
  }

  /** The checkpoint claim the run's pods mount, or null while it does not exist. */
  public PersistentVolumeClaim claim(TrainingRun run, RunPlan plan) {
    return client
        .persistentVolumeClaims()
        .inNamespace(run.getMetadata().getNamespace())
        .withName(CheckpointClaim.name(run, plan))
        .get();
  }

  /** ConfigMap, Secret and Service before the Job, so that its pods find them at start. */
  public void create(StageAttempt attempt, RunPlan plan) {
    createIfAbsent(StageConfigMap.desired(attempt));
    createIfAbsent(RunTokenSecret.desired(attempt));
    createIfAbsent(StageService.desired(attempt));
    createIfAbsent(
        StageJob.desired(
            attempt, config.trainerImage(), CheckpointClaim.name(attempt.run(), plan)));
  }

  public Job job(StageAttempt attempt) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(attempt.namespace())
        .withName(attempt.name())
        .get();
  }

  public List<Pod> pods(StageAttempt attempt) {
    return client
        .pods()
        .inNamespace(attempt.namespace())
        .withLabel(Labels.RUN, attempt.run().getMetadata().getName())
        .withLabel(Labels.STAGE, attempt.stage().name())
        .withLabel(Labels.ATTEMPT, Integer.toString(attempt.attempt()))
        .list()
        .getItems();
  }

  /** Deletes an attempt's Job (its pods follow) and the objects only it used. */
  public void delete(StageAttempt attempt) {
    String ns = attempt.namespace();
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName(attempt.name())
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
    releaseNetwork(attempt);
    client.configMaps().inNamespace(ns).withName(Names.configMap(attempt.name())).delete();
  }

  /** Deletes what a finished attempt no longer needs: its Service and token. */
  public void releaseNetwork(StageAttempt attempt) {
    String ns = attempt.namespace();
    client.services().inNamespace(ns).withName(attempt.name()).delete();
    client.secrets().inNamespace(ns).withName(Names.secret(attempt.name())).delete();
  }

  private void createIfAbsent(HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }
}
