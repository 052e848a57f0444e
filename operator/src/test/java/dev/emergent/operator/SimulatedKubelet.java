package dev.emergent.operator;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.resources.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the Fabric8 mock API server lacks to run Jobs: it creates the pods of each Indexed Job, runs
 * them for a few ticks, ends them as the test scripted (success with rank 0's termination summary,
 * an exit code, or a disruption), sets the Job's conditions, and garbage-collects what a deleted
 * owner owned, as a real cluster's controllers would.
 */
final class SimulatedKubelet implements AutoCloseable {
  /** How an attempt ends. */
  enum Ending {
    SUCCEED,
    CRASH,
    DIVERGE,
    DISRUPT,
    RUN_FOREVER
  }

  private static final int RUN_TICKS = 4;
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Ending> script = new ConcurrentHashMap<>();
  private final Map<String, Integer> ticks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  SimulatedKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    executor.scheduleWithFixedDelay(this::tickSafely, 100, 150, TimeUnit.MILLISECONDS);
  }

  /** Scripts how attempt {@code attempt} of a stage ends; unscripted attempts succeed. */
  void script(String run, String stage, int attempt, Ending ending) {
    script.put(run + "/" + stage + "/" + attempt, ending);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // The next tick retries; the mock server may be busy with a watch.
    }
  }

  private void tick() {
    collectGarbage();
    for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
      if (Boolean.TRUE.equals(job.getSpec().getSuspend()) || finished(job)) {
        continue;
      }
      List<Pod> pods = podsOf(job);
      if (pods.isEmpty()) {
        createPods(job);
        continue;
      }
      int age = ticks.merge(job.getMetadata().getUid(), 1, Integer::sum);
      Map<String, String> labels = job.getMetadata().getLabels();
      Ending ending =
          script.getOrDefault(
              labels.get(Labels.RUN)
                  + "/"
                  + labels.get(Labels.STAGE)
                  + "/"
                  + labels.get(Labels.ATTEMPT),
              Ending.SUCCEED);
      if (age >= RUN_TICKS && ending != Ending.RUN_FOREVER) {
        end(job, pods, ending);
      }
    }
  }

  private void createPods(Job job) {
    int pods = job.getSpec().getCompletions();
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
      client
          .pods()
          .inNamespace(namespace)
          .withName(pod.getMetadata().getName())
          .editStatus(
              created -> {
                created.setStatus(
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                        .withPhase("Running")
                        .withPodIP("127.0.0.1")
                        .addToContainerStatuses(
                            new ContainerStatusBuilder()
                                .withName("trainer")
                                .withReady(true)
                                .withNewState()
                                .withNewRunning()
                                .endRunning()
                                .endState()
                                .build())
                        .build());
                return created;
              });
    }
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
      int exitCode =
          switch (ending) {
            case SUCCEED -> 0;
            case CRASH -> rankZero ? 1 : 0;
            case DIVERGE -> rankZero ? 3 : 0;
            case DISRUPT -> rankZero ? 137 : 0;
            case RUN_FOREVER -> throw new IllegalStateException("never ends");
          };
      String summary =
          ending == Ending.SUCCEED && rankZero
              ? "{\"outcome\":\"SUCCEEDED\",\"exitCode\":0,\"step\":100,\"checkpoint\":\""
                  + run
                  + "/"
                  + stage
                  + "/step-100\",\"metrics\":{\"loss\":0.5,\"evalLoss\":0.75}}"
              : exitCode == 3
                  ? "{\"outcome\":\"LOSS_DIVERGED\",\"exitCode\":3,\"message\":\"loss diverged at step 7: NaN\"}"
                  : null;
      var status =
          new io.fabric8.kubernetes.api.model.PodStatusBuilder(pod.getStatus())
              .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("trainer")
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(exitCode)
                      .withMessage(summary)
                      .endTerminated()
                      .endState()
                      .build());
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
      client
          .pods()
          .inNamespace(namespace)
          .withName(pod.getMetadata().getName())
          .editStatus(
              p -> {
                p.setStatus(ended);
                return p;
              });
    }
    String type = ending == Ending.SUCCEED ? "Complete" : "Failed";
    job.setStatus(
        new JobStatusBuilder()
            .withSucceeded(ending == Ending.SUCCEED ? pods.size() : 0)
            .withFailed(ending == Ending.SUCCEED ? 0 : 1)
            .addToConditions(new JobConditionBuilder().withType(type).withStatus("True").build())
            .build());
    client.resource(job).updateStatus();
  }

  /** Owner-reference garbage collection: objects whose owner is gone are deleted. */
  private void collectGarbage() {
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
            client.persistentVolumeClaims().inNamespace(namespace).list().getItems())
        .flatMap(List::stream)
        .filter(o -> !o.getMetadata().getOwnerReferences().isEmpty())
        .filter(
            o ->
                o.getMetadata().getOwnerReferences().stream()
                    .noneMatch(r -> owners.contains(r.getUid())))
        .forEach(o -> client.resource(o).delete());
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
