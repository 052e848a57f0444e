package dev.emergent.operator;

import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.resources.Labels;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.TerminationSummary;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * What the Fabric8 mock API server lacks to run Jobs: it creates the pods of each Indexed Job, runs
 * them for a few ticks, ends them as the test scripted (success with rank 0's termination summary,
 * an exit code, or a disruption), sets the Job's conditions, garbage-collects what a deleted owner
 * owned and releases deleted claims, as a real cluster's kubelet and controllers would. Job
 * statuses are written the way a real API server (1.32) accepts them.
 */
final class SimulatedKubelet implements AutoCloseable {
  /** How an attempt ends: rank 0's exit code, none for pods that never end on their own. */
  enum Ending {
    SUCCEED(ExitCode.SUCCEEDED),
    /**
     * Success after the trainer found its latest checkpoint corrupt and resumed from an older one.
     */
    SUCCEED_AFTER_FALLBACK(ExitCode.SUCCEEDED),
    CRASH(ExitCode.FAILED),
    /** Rank 0 exits with 4: another rank vanished, as when a node under the gang dies. */
    PEER_LOST(ExitCode.PEER_LOST),
    DIVERGE(ExitCode.LOSS_DIVERGED),
    /** A node drain: rank 0 is killed and its pod marked as a disruption target. */
    DISRUPT(ExitCode.FAILED),
    RUN_FOREVER(null),
    /** The pods stay Pending: the scheduler finds no node with room for them. */
    NEVER_SCHEDULED(null),
    /** The pods stay Pending without a word from the scheduler, as while a volume is missing. */
    NEVER_STARTED(null),
    /**
     * The pods are scheduled but their container is never created, as when a volume won't mount.
     */
    STUCK_CREATING(null),
    /** Rank 0 exits with 5: no checkpoint of the stage passes verification. */
    CHECKPOINT_CORRUPT(ExitCode.CHECKPOINT_CORRUPT);

    private final ExitCode code;

    Ending(ExitCode code) {
      this.code = code;
    }

    boolean endsAtAll() {
      return code != null;
    }
  }

  static final String FALLBACK =
      "skipped latest: step-60/model-rank0.bin is corrupted; resumed from run/stage/step-40";

  static final String NO_ROOM = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.";

  private static final int RUN_TICKS = 4;
  private static final String PVC_PROTECTION = "kubernetes.io/pvc-protection";
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Ending> script = new ConcurrentHashMap<>();
  private final Map<String, Integer> ticks = new ConcurrentHashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private volatile BiFunction<String, String, Map<String, Double>> metrics =
      (run, stage) -> Map.of("loss", 0.5, "evalLoss", 0.75);

  SimulatedKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    executor.scheduleWithFixedDelay(this::tickSafely, 100, 150, TimeUnit.MILLISECONDS);
  }

  /** What rank 0 of a stage that succeeds reports, by run and stage. */
  void reportMetrics(BiFunction<String, String, Map<String, Double>> metrics) {
    this.metrics = metrics;
  }

  /** Scripts how attempt {@code attempt} of a stage ends; unscripted attempts succeed. */
  void script(String run, String stage, int attempt, Ending ending) {
    script.put(run + "/" + stage + "/" + attempt, ending);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // The next tick retries (a conflict or a busy mock server); a new kind of error is shown
      // once,
      // since a kubelet that silently cannot create pods looks like an operator bug.
      if (reported.add(e.getClass().getName() + ": " + e.getMessage())) {
        System.err.println("simulated kubelet: " + e);
      }
    }
  }

  private void tick() {
    collectGarbage();
    for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
      if (finished(job)) {
        continue;
      }
      List<Pod> pods = podsOf(job);
      if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
        stopSuspended(pods);
        continue;
      }
      if (pods.isEmpty()) {
        createPods(job);
        continue;
      }
      int age = ticks.merge(job.getMetadata().getUid(), 1, Integer::sum);
      Ending ending = ending(job);
      if (age >= RUN_TICKS && ending.endsAtAll()) {
        end(job, pods, ending);
      }
    }
  }

  private void setStatus(Pod pod, PodStatus status) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod.getMetadata().getName())
        .editStatus(
            current -> {
              current.setStatus(status);
              return current;
            });
  }

  private Ending ending(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    return script.getOrDefault(
        labels.get(Labels.RUN) + "/" + labels.get(Labels.STAGE) + "/" + labels.get(Labels.ATTEMPT),
        Ending.SUCCEED);
  }

  private static PodStatus startedStatus(Job job, Ending ending) {
    return switch (ending) {
      case NEVER_SCHEDULED ->
          new PodStatusBuilder()
              .withPhase("Pending")
              .addToConditions(
                  new PodConditionBuilder()
                      .withType("PodScheduled")
                      .withStatus("False")
                      .withReason("Unschedulable")
                      .withMessage(NO_ROOM)
                      .build())
              .build();
      case NEVER_STARTED -> new PodStatusBuilder().withPhase("Pending").build();
      case STUCK_CREATING ->
          new PodStatusBuilder()
              .withPhase("Pending")
              .addToContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("trainer")
                      .withImage(image(job))
                      .withImageID("")
                      .withReady(false)
                      .withNewState()
                      .withNewWaiting()
                      .withReason("ContainerCreating")
                      .endWaiting()
                      .endState()
                      .build())
              .build();
      default ->
          new PodStatusBuilder()
              .withPhase("Running")
              .withPodIP("127.0.0.1")
              .addToContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("trainer")
                      .withImage(image(job))
                      .withImageID("")
                      .withReady(true)
                      .withNewState()
                      .withNewRunning()
                      .withStartedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                      .endRunning()
                      .endState()
                      .build())
              .build();
    };
  }

  /**
   * The Job controller's part when Kueue suspends a running Job to preempt it: the trainers get
   * SIGTERM and fail (exit 143, no disruption condition), then their pods are deleted.
   */
  private void stopSuspended(List<Pod> pods) {
    boolean allEnded = pods.stream().allMatch(p -> "Failed".equals(p.getStatus().getPhase()));
    for (Pod pod : pods) {
      if (allEnded) {
        client.resource(pod).delete();
        continue;
      }
      PodStatus terminated = ended(pod, 143, null).build();
      setStatus(pod, terminated);
    }
  }

  /** The status of a pod whose trainer exited: Succeeded on 0, else Failed. */
  private static PodStatusBuilder ended(Pod pod, int exitCode, String message) {
    return new PodStatusBuilder(pod.getStatus())
        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("trainer")
                .withImage(pod.getSpec().getContainers().get(0).getImage())
                .withImageID("")
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(message)
                .endTerminated()
                .endState()
                .build());
  }

  private void createPods(Job job) {
    int pods = job.getSpec().getCompletions();
    PodStatus status = startedStatus(job, ending(job));
    for (int index = 0; index < pods; index++) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(job.getMetadata().getName() + "-" + index + "-sim")
              .withNamespace(namespace)
              .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
              .addToLabels("job-name", job.getMetadata().getName())
              .addToAnnotations("batch.kubernetes.io/job-completion-index", Integer.toString(index))
              .addNewOwnerReference()
              .withApiVersion("batch/v1")
              .withKind("Job")
              .withName(job.getMetadata().getName())
              .withUid(job.getMetadata().getUid())
              .withController(true)
              .endOwnerReference()
              .endMetadata()
              .withSpec(job.getSpec().getTemplate().getSpec())
              .build();
      client.resource(pod).create();
      setStatus(pod, status);
    }
  }

  private static String image(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private void end(Job job, List<Pod> pods, Ending ending) {
    String run = job.getMetadata().getLabels().get(Labels.RUN);
    String stage = job.getMetadata().getLabels().get(Labels.STAGE);
    for (Pod pod : pods) {
      boolean rankZero =
          "0"
              .equals(
                  pod.getMetadata()
                      .getAnnotations()
                      .get("batch.kubernetes.io/job-completion-index"));
      boolean succeeded = ending == Ending.SUCCEED || ending == Ending.SUCCEED_AFTER_FALLBACK;
      ExitCode code = ending.code;
      // A disrupted rank is killed (SIGKILL), the others wait to be stopped; only rank 0 fails.
      int exitCode = succeeded ? 0 : !rankZero ? 0 : ending == Ending.DISRUPT ? 137 : code.code();
      String summary =
          !rankZero || ending == Ending.DISRUPT
              ? null
              : TerminationSummary.of(
                      code,
                      succeeded ? 100 : 7,
                      succeeded ? run + "/" + stage + "/step-100" : null,
                      succeeded ? metrics.apply(run, stage) : Map.of(),
                      succeeded ? null : code.name().toLowerCase() + " at step 7",
                      ending == Ending.SUCCEED_AFTER_FALLBACK ? FALLBACK : null)
                  .toJson();
      PodStatusBuilder status = ended(pod, exitCode, summary);
      if (ending == Ending.DISRUPT && rankZero) {
        status
            .withReason("Evicted")
            .addToConditions(
                new PodConditionBuilder()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("EvictionByEvictionAPI")
                    .build());
      }
      var ended = status.build();
      setStatus(pod, ended);
    }
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName(job.getMetadata().getName())
        .editStatus(
            current -> {
              current.setStatus(
                  finishedStatus(
                      ending == Ending.SUCCEED || ending == Ending.SUCCEED_AFTER_FALLBACK,
                      pods.size()));
              return current;
            });
  }

  /**
   * A finished Job's status as the Job controller writes it: a real API server (1.32) refuses
   * Complete without SuccessCriteriaMet and completionTime, and Failed without FailureTarget.
   */
  private static JobStatus finishedStatus(boolean succeeded, int pods) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    JobStatusBuilder status = new JobStatusBuilder().withStartTime(now);
    if (succeeded) {
      return status
          .withSucceeded(pods)
          .withCompletedIndexes(pods == 1 ? "0" : "0-" + (pods - 1))
          .withCompletionTime(now)
          .addToConditions(condition("SuccessCriteriaMet", "CompletionsReached", now))
          .addToConditions(condition("Complete", "CompletionsReached", now))
          .build();
    }
    return status
        .withFailed(1)
        .addToConditions(condition("FailureTarget", "BackoffLimitExceeded", now))
        .addToConditions(condition("Failed", "BackoffLimitExceeded", now))
        .build();
  }

  private static JobCondition condition(String type, String reason, String now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  /** Owner-reference garbage collection: objects whose owner is gone are deleted. */
  private void collectGarbage() {
    Set<String> studies = new java.util.HashSet<>();
    client
        .resources(ScalingStudy.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(s -> studies.add(s.getMetadata().getUid()));
    client.resources(TrainingRun.class).inNamespace(namespace).list().getItems().stream()
        .filter(r -> !r.getMetadata().getOwnerReferences().isEmpty())
        .filter(
            r ->
                r.getMetadata().getOwnerReferences().stream()
                    .noneMatch(o -> studies.contains(o.getUid())))
        .forEach(r -> client.resource(r).delete());
    Set<String> owners = new java.util.HashSet<>();
    client
        .resources(TrainingRun.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(r -> owners.add(r.getMetadata().getUid()));
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .list()
        .getItems()
        .forEach(j -> owners.add(j.getMetadata().getUid()));
    Stream.<List<? extends HasMetadata>>of(
            client.batch().v1().jobs().inNamespace(namespace).list().getItems(),
            client.pods().inNamespace(namespace).list().getItems(),
            client.services().inNamespace(namespace).list().getItems(),
            client.configMaps().inNamespace(namespace).list().getItems(),
            client.secrets().inNamespace(namespace).list().getItems(),
            client.network().v1().networkPolicies().inNamespace(namespace).list().getItems(),
            client.persistentVolumeClaims().inNamespace(namespace).list().getItems())
        .flatMap(List::stream)
        .filter(o -> !o.getMetadata().getOwnerReferences().isEmpty())
        .filter(
            o ->
                o.getMetadata().getOwnerReferences().stream()
                    .noneMatch(r -> owners.contains(r.getUid())))
        .forEach(o -> client.resource(o).delete());
    releaseDeletedClaims();
  }

  /**
   * The PVC-protection controller's part: a deleted claim keeps its finalizer until no pod uses it.
   */
  private void releaseDeletedClaims() {
    Set<String> inUse = new java.util.HashSet<>();
    client.pods().inNamespace(namespace).list().getItems().stream()
        .flatMap(p -> p.getSpec().getVolumes().stream())
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .forEach(v -> inUse.add(v.getPersistentVolumeClaim().getClaimName()));
    client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
        .filter(c -> c.getMetadata().getDeletionTimestamp() != null)
        .filter(c -> c.getMetadata().getFinalizers().contains(PVC_PROTECTION))
        .filter(c -> !inUse.contains(c.getMetadata().getName()))
        .forEach(
            c ->
                client
                    .persistentVolumeClaims()
                    .inNamespace(namespace)
                    .withName(c.getMetadata().getName())
                    .edit(
                        claim -> {
                          claim.getMetadata().getFinalizers().remove(PVC_PROTECTION);
                          return claim;
                        }));
  }

  private List<Pod> podsOf(Job job) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("job-name", job.getMetadata().getName())
        .list()
        .getItems();
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus()));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
