package dev.emergent.operator;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.observe.ClusterCache;
import dev.emergent.operator.resources.CheckpointClaim;
import dev.emergent.operator.resources.RankService;
import dev.emergent.operator.resources.RunNetworkPolicy;
import dev.emergent.operator.resources.RunTokenSecret;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.resources.StageJob;
import dev.emergent.plan.LaunchEnvironment;
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
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Creates the run's own objects and the Jobs of its stage attempts, and deletes those Jobs. The
 * run's checkpoint claim, token Secret, headless Service and NetworkPolicy serve every attempt of
 * every stage, so a stage start writes one object, its Job (which carries its config); they go with
 * the run, by owner reference. Every object is created once and never updated: an attempt's config
 * and pod template are fixed for its life (a spec change reaches the next attempt), and the Job's
 * {@code suspend} belongs to Kueue once created. So no field is ever fought over with another field
 * manager.
 */
@ApplicationScoped
public class AttemptObjects {
  private final KubernetesClient client;
  private final OperatorConfig config;
  private final ClusterCache cache;

  public AttemptObjects(KubernetesClient client, OperatorConfig config, ClusterCache cache) {
    this.client = client;
    this.config = config;
    this.cache = cache;
  }

  /**
   * The run's claim (unless it names its own), token, Service and NetworkPolicy, before its first
   * Job, so that its pods find them at start; not again while its Jobs show them made.
   */
  public void ensureRunObjects(StageAttempt attempt) {
    if (cache.runObjectsMade(attempt)) {
      return;
    }
    TrainingRun run = attempt.run();
    if (attempt.plan().settings().claimName() == null) {
      createIfAbsent(CheckpointClaim.desired(run, attempt.plan()));
    }
    createIfAbsent(RunTokenSecret.desired(run));
    createIfAbsent(RankService.desired(run, progressPort()));
    createIfAbsent(RunNetworkPolicy.desired(run, progressPort()));
  }

  /** The checkpoint claim the run's pods mount, or null while it does not exist. */
  public PersistentVolumeClaim claim(TrainingRun run, RunPlan plan) {
    return client
        .persistentVolumeClaims()
        .inNamespace(run.getMetadata().getNamespace())
        .withName(CheckpointClaim.name(run, plan))
        .get();
  }

  /** The attempt's Job. */
  public void create(StageAttempt attempt, RunPlan plan) {
    Job job =
        StageJob.desired(
            attempt,
            config.trainerImage(),
            CheckpointClaim.name(attempt.run(), plan),
            progressPort());
    createIfAbsent(job).ifPresent(cache::created);
  }

  /** The port rank 0 serves /progress on: set in each Job, and what the operator polls. */
  public int progressPort() {
    return config.progressPort().orElse(LaunchEnvironment.DEFAULT_PROGRESS_PORT);
  }

  public Job job(StageAttempt attempt) {
    return cache.job(attempt.namespace(), attempt.name()).orElse(null);
  }

  /**
   * The pods of the attempt's Job, from the informer's cache, matched by owner UID: pods of an
   * earlier Job of the same name that are still terminating carry the same labels and must not be
   * read as this Job's.
   */
  public List<Pod> pods(StageAttempt attempt, Job job) {
    if (job == null) {
      return List.of();
    }
    return cache
        .pods(
            attempt.namespace(),
            attempt.run().getMetadata().getName(),
            attempt.stage().name(),
            attempt.attempt())
        .stream()
        .filter(ownedBy(job))
        .toList();
  }

  /**
   * The same pods as the API server has them now. The pod informer can lag behind the Job's: how an
   * attempt ended (its summary, exit codes, disruptions) is read from here, once per ending.
   */
  public List<Pod> podsAsServed(StageAttempt attempt, Job job) {
    return client
        .pods()
        .inNamespace(attempt.namespace())
        .withLabels(attempt.labels())
        .list()
        .getItems()
        .stream()
        .filter(ownedBy(job))
        .toList();
  }

  private static Predicate<Pod> ownedBy(Job job) {
    String uid = job.getMetadata().getUid();
    return p -> p.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid()));
  }

  /** Deletes an attempt's Job; its pods follow. */
  public void delete(StageAttempt attempt) {
    delete(attempt.namespace(), attempt.name());
  }

  /**
   * Deletes the Jobs of the stage's earlier attempts. A failed attempt's Job is deleted only once
   * the status names the next attempt, so that an operator that crashes in between neither reuses
   * the attempt name nor forgets to count the restart.
   */
  public void deleteEarlierAttempts(StageAttempt attempt) {
    cache
        .jobs(attempt.namespace(), attempt.run().getMetadata().getName(), attempt.stage().name())
        .stream()
        .filter(j -> !attempt.name().equals(j.getMetadata().getName()))
        .forEach(j -> delete(attempt.namespace(), j.getMetadata().getName()));
  }

  private void delete(String namespace, String attemptName) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName(attemptName)
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
  }

  /** The object as created, or empty if one of its name was there already. */
  private <T extends HasMetadata> Optional<T> createIfAbsent(T object) {
    try {
      return Optional.of(client.resource(object).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return Optional.empty();
    }
  }
}
