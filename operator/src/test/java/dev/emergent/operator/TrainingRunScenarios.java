package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.api.v1alpha1.Condition;
import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StagePhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.SimulatedKubelet.Ending;
import dev.emergent.operator.observe.ClusterCache;
import dev.emergent.operator.resources.Labels;
import dev.emergent.operator.resources.StageJob;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.DefaultContext;
import io.javaoperatorsdk.operator.processing.Controller;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's scenarios, run in Quarkus against an API server with a simulated kubelet that runs
 * the Jobs' pods and a fake /progress: the Fabric8 mock ({@link TrainingRunReconcilerIT}) or the
 * cluster in KUBECONFIG ({@link TrainingRunReconcilerE2E}).
 */
abstract class TrainingRunScenarios {
  static final String NAMESPACE = suiteNamespace();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Inject KubernetesClient client;

  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
  int httpPort;

  @Inject OperatorConfig config;
  @Inject AttemptObjects objects;
  @Inject ClusterCache cache;
  @Inject Operator operator;
  @Inject EventRecorder events;
  @Inject OperatorMetrics metrics;

  private SimulatedKubelet kubelet;

  @BeforeEach
  void startKubelet() {
    kubelet = new SimulatedKubelet(client, NAMESPACE);
  }

  @AfterEach
  void stopKubelet() {
    kubelet.close();
  }

  /**
   * One namespace per test JVM, so that the suite can run again on the same API server. Kept in a
   * system property because Quarkus loads test classes (and this constant) more than once.
   */
  private static String suiteNamespace() {
    synchronized (System.class) {
      String key = "emergent.test.namespace";
      if (System.getProperty(key) == null) {
        System.setProperty(key, "e2e-" + java.util.UUID.randomUUID().toString().substring(0, 8));
      }
      return System.getProperty(key);
    }
  }

  private TrainingRun create(String name, String extraSpec) {
    return client.resource(TrainingRunFiles.parse(fourStages(name, NAMESPACE, extraSpec))).create();
  }

  /** A four-stage run on two pods; {@code extraSpec} adds spec lines, indented by two. */
  static String fourStages(String name, String namespace, String extraSpec) {
    return """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: %s, namespace: %s}
        spec:
          model: {layers: 2, dModel: 64, heads: 4, contextLength: 32}
          mesh:
            axes: [{name: data, size: 2}]
          failurePolicy: {maxRestarts: 2, stallTimeoutSeconds: 600}
        %s  stages:
          - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, steps: 100}
          - {name: sft, type: SFT, from: pretrain, data: {builtin: arithmetic}, steps: 100}
          - {name: reward, type: RewardModel, from: sft, data: {builtin: arithmetic}, steps: 100}
          - {name: ppo, type: PPO, policyFrom: sft, rewardFrom: reward, data: {builtin: arithmetic}, steps: 100}
        """
        .formatted(name, namespace, extraSpec);
  }

  /** Edits the spec as a user would: again on a conflict with the operator's status patches. */
  private void edit(String name, java.util.function.Consumer<TrainingRun> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              client
                  .resources(TrainingRun.class)
                  .inNamespace(NAMESPACE)
                  .withName(name)
                  .edit(
                      r -> {
                        change.accept(r);
                        return r;
                      });
              return true;
            });
  }

  private TrainingRun get(String name) {
    return client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private TrainingRun awaitPhase(String name, RunPhase phase) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              TrainingRun run = get(name);
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().phase).isEqualTo(phase);
            });
    return get(name);
  }

  private StageStatus stage(TrainingRun run, String name) {
    return run.getStatus().stages.stream()
        .filter(s -> s.name.equals(name))
        .findFirst()
        .orElseThrow();
  }

  private List<Job> jobs(String run) {
    return jobs(client, NAMESPACE, run);
  }

  static List<Job> jobs(KubernetesClient client, String namespace, String run) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(Labels.RUN, run)
        .list()
        .getItems();
  }

  private List<Pod> pods(String run) {
    return client.pods().inNamespace(NAMESPACE).withLabel(Labels.RUN, run).list().getItems();
  }

  /** What Kueue does to preempt a running Job and to admit it again. */
  private void suspendJob(String name, boolean suspend) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            job -> {
              job.getSpec().setSuspend(suspend);
              return job;
            });
  }

  /** The condition; an AssertionError while it is not there, so that awaits try again. */
  static Condition condition(TrainingRun run, String type) {
    return run.getStatus().conditions.stream()
        .filter(c -> c.type.equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " yet"));
  }

  @Test
  void fourStagesRunInOrderEachFromThePublishedCheckpoint() throws Exception {
    create("chain", "");

    TrainingRun run = awaitPhase("chain", RunPhase.Succeeded);

    assertThat(run.getStatus().stages).extracting(s -> s.phase).containsOnly(StagePhase.Succeeded);
    assertThat(stage(run, "sft").checkpoint).isEqualTo("chain/sft/step-100");
    assertThat(stage(run, "pretrain").metrics).containsEntry("evalLoss", 0.75);
    assertThat(run.getStatus().observedGeneration).isEqualTo(run.getMetadata().getGeneration());
    assertThat(condition(run, "Succeeded").status).isEqualTo("True");
    assertThat(condition(run, "Ready").status).isEqualTo("True");
    assertThat(jobs("chain"))
        .extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "chain-pretrain-1", "chain-sft-1", "chain-reward-1", "chain-ppo-1");
    JsonNode ppoConfig =
        new ObjectMapper()
            .readTree(
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(NAMESPACE)
                    .withName("chain-ppo-1")
                    .get()
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getAnnotations()
                    .get(StageJob.CONFIG_ANNOTATION));
    assertThat(ppoConfig.at("/inputs/policy").asText()).isEqualTo("chain/sft/step-100");
    assertThat(ppoConfig.at("/inputs/reward").asText()).isEqualTo("chain/reward/step-100");
    assertThat(owned("chain"))
        .as("one claim, token, Service and NetworkPolicy for all four stages, and their Jobs")
        .filteredOn(o -> !(o instanceof Pod))
        .extracting(o -> o.getClass().getSimpleName() + " " + o.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "PersistentVolumeClaim chain-checkpoints",
            "Secret chain-token",
            "Service chain-ranks",
            "NetworkPolicy chain-ranks",
            "Job chain-pretrain-1",
            "Job chain-sft-1",
            "Job chain-reward-1",
            "Job chain-ppo-1");
    Job job = jobs("chain").get(0);
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getCompletions()).isEqualTo(2);
    assertThat(job.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    String atRest = get("chain").getMetadata().getResourceVersion();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> atRest.equals(get("chain").getMetadata().getResourceVersion()));
  }

  @Test
  void progressOfTheRunningStageReachesTheStatus() {
    create("progress", "");
    kubelet.script("progress", "pretrain", 1, Ending.RUN_FOREVER);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              TrainingRun run = get("progress");
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().step).isNotNull().isPositive();
              assertThat(stage(run, "pretrain").metrics).containsEntry("tokensPerSecond", 1234.5);
              assertThat(run.getStatus().loss).isNotNull();
            });
    client.resource(get("progress")).delete();
  }

  @Test
  void aLostPeerRestartsTheGangFromTheLatestCheckpoint() {
    create("restart", "");
    kubelet.script("restart", "pretrain", 1, Ending.PEER_LOST);

    TrainingRun run = awaitPhase("restart", RunPhase.Succeeded);

    assertThat(stage(run, "pretrain").restarts).isEqualTo(1);
    assertThat(stage(run, "pretrain").attempt).isEqualTo(2);
    assertThat(jobs("restart"))
        .extracting(j -> j.getMetadata().getName())
        .contains("restart-pretrain-2")
        .doesNotContain("restart-pretrain-1");
  }

  @Test
  void anExhaustedRestartBudgetFailsTheRun() {
    create("budget", "");
    for (int attempt = 1; attempt <= 3; attempt++) {
      kubelet.script("budget", "pretrain", attempt, Ending.CRASH);
    }

    TrainingRun run = awaitPhase("budget", RunPhase.Failed);

    assertThat(condition(run, "Failed").reason).isEqualTo("RestartBudgetExhausted");
    assertThat(stage(run, "pretrain").restarts).isEqualTo(2);
    assertThat(stage(run, "pretrain").phase).isEqualTo(StagePhase.Failed);
    assertThat(stage(run, "sft").phase).isEqualTo(StagePhase.Pending);
  }

  @Test
  void aDisruptionDoesNotCountAgainstTheBudget() {
    create("disrupted", "");
    kubelet.script("disrupted", "pretrain", 1, Ending.DISRUPT);

    TrainingRun run = awaitPhase("disrupted", RunPhase.Succeeded);

    assertThat(stage(run, "pretrain").attempt).isEqualTo(2);
    assertThat(stage(run, "pretrain").restarts).isZero();
  }

  @Test
  void aNanLossFailsTheRunAsLossDiverged() {
    create("nan", "");
    kubelet.script("nan", "sft", 1, Ending.DIVERGE);

    TrainingRun run = awaitPhase("nan", RunPhase.Failed);

    assertThat(condition(run, "Failed").reason).isEqualTo("LossDiverged");
    assertThat(stage(run, "sft").restarts).isZero();
    assertThat(stage(run, "pretrain").phase).isEqualTo(StagePhase.Succeeded);
  }

  @Test
  void noIntactCheckpointFailsTheRunAsCheckpointCorrupt() {
    create("corrupt", "");
    kubelet.script("corrupt", "sft", 1, Ending.CHECKPOINT_CORRUPT);

    TrainingRun run = awaitPhase("corrupt", RunPhase.Failed);

    assertThat(condition(run, "Failed").reason).isEqualTo("CheckpointCorrupt");
    assertThat(stage(run, "sft").restarts).isZero();
  }

  @Test
  void aFallbackToAnOlderCheckpointBecomesAnEvent() {
    create("fallback", "");
    kubelet.script("fallback", "pretrain", 1, Ending.SUCCEED_AFTER_FALLBACK);

    awaitPhase("fallback", RunPhase.Succeeded);

    assertThat(
            client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "fallback".equals(e.getInvolvedObject().getName()))
                .filter(e -> "CheckpointFallback".equals(e.getReason())))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "stage pretrain: its latest checkpoint failed verification; "
                          + SimulatedKubelet.FALLBACK);
            });
  }

  @Test
  void suspendStopsTheStageAndResumeContinuesIt() {
    create("pause", "");
    kubelet.script("pause", "pretrain", 1, Ending.RUN_FOREVER);
    await().atMost(TIMEOUT).until(() -> jobs("pause").size() == 1);

    edit("pause", r -> r.getSpec().suspend = true);
    TrainingRun suspended = awaitPhase("pause", RunPhase.Suspended);
    await().atMost(TIMEOUT).until(() -> jobs("pause").isEmpty());
    assertThat(condition(suspended, "Suspended").status).isEqualTo("True");

    edit("pause", r -> r.getSpec().suspend = false);
    TrainingRun resumed = awaitPhase("pause", RunPhase.Succeeded);
    assertThat(stage(resumed, "pretrain").restarts).isZero();
    assertThat(stage(resumed, "pretrain").attempt).isEqualTo(2);
  }

  @Test
  void aPreemptedGangWaitsForReadmissionAndResumesWithoutUsingTheBudget() {
    create("preempted", "");
    kubelet.script("preempted", "pretrain", 1, Ending.RUN_FOREVER);
    await().atMost(TIMEOUT).until(() -> !pods("preempted").isEmpty());

    suspendJob("preempted-pretrain-1", true);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods("preempted")).isEmpty();
              TrainingRun run = get("preempted");
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().phase).isEqualTo(RunPhase.Queued);
              assertThat(condition(run, "Progressing").message).contains("the Job is suspended");
              assertThat(condition(run, "Admitted").status).isEqualTo("False");
              assertThat(condition(run, "Admitted").reason).isEqualTo("Queued");
              assertThat(stage(run, "pretrain").waitingSince).isNotNull();
            });
    kubelet.script("preempted", "pretrain", 1, Ending.SUCCEED);
    suspendJob("preempted-pretrain-1", false);

    TrainingRun run = awaitPhase("preempted", RunPhase.Succeeded);
    assertThat(stage(run, "pretrain").restarts).isZero();
    assertThat(stage(run, "pretrain").attempt).isEqualTo(1);
    assertThat(stage(run, "pretrain").admittedTime).isNotNull();
    assertThat(stage(run, "pretrain").waitingSince).isNull();
  }

  /** Plays Kueue's controller: the Workload it makes for a queued Job, with these conditions. */
  private void workload(Job job, String conditions, String admission) {
    String yaml =
        """
        apiVersion: kueue.x-k8s.io/v1beta1
        kind: Workload
        metadata:
          name: job-%s
          namespace: %s
          ownerReferences:
          - {apiVersion: batch/v1, kind: Job, name: %s, uid: %s, controller: true}
        spec: {queueName: team-a}
        status:
          conditions: %s
          %s
        """
            .formatted(
                job.getMetadata().getName(),
                NAMESPACE,
                job.getMetadata().getName(),
                job.getMetadata().getUid(),
                conditions,
                admission);
    var workload =
        client
            .getKubernetesSerialization()
            .unmarshal(yaml, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    var resources =
        client.genericKubernetesResources(dev.emergent.operator.admission.KueueWorkloads.WORKLOADS);
    var existing = resources.inNamespace(NAMESPACE).withName(workload.getMetadata().getName());
    if (existing.get() == null) {
      resources.inNamespace(NAMESPACE).resource(workload).create();
    }
    existing.editStatus(
        w -> {
          w.setAdditionalProperty("status", workload.getAdditionalProperties().get("status"));
          return w;
        });
  }

  /** Kueue's Workload kind, as installing Kueue serves it (the E2E suite has applied it). */
  private void installKueueWorkloads() throws java.io.IOException {
    try (var file = TrainingRunScenarios.class.getResourceAsStream("/kueue-crds.yaml")) {
      for (var crd : client.load(file).items()) {
        if (client.resource(crd).get() == null) {
          client.resource(crd).create();
        }
      }
    }
  }

  @Test
  void aQueuedStageSaysWhatKueueSaysAndAPreemptionKeepsTheBudget() throws Exception {
    installKueueWorkloads();
    create("kueued", "  scheduling: {queueName: team-a}\n");
    kubelet.script("kueued", "pretrain", 1, Ending.RUN_FOREVER);
    await().atMost(TIMEOUT).until(() -> jobs("kueued").size() == 1);
    Job job = jobs("kueued").get(0);
    assertThat(job.getSpec().getSuspend()).isTrue();

    // Only the watch on Workloads can carry this to the run: a queued attempt is looked at again
    // after admission-recheck (minutes), and the Job does not change.
    workload(
        job,
        "[{type: QuotaReserved, status: 'False', reason: Pending, message: \"couldn't assign"
            + " flavors to pod set main: insufficient unused quota for nvidia.com/gpu in flavor"
            + " h100, 16 more needed\"}]",
        "");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition admitted = condition(get("kueued"), "Admitted");
              assertThat(admitted.reason).isEqualTo("Queued");
              assertThat(admitted.message)
                  .isEqualTo(
                      "stage pretrain: waiting in Kueue: couldn't assign flavors to pod set main:"
                          + " insufficient unused quota for nvidia.com/gpu in flavor h100, 16 more"
                          + " needed");
            });

    workload(
        job,
        "[{type: QuotaReserved, status: 'True', reason: QuotaReserved, message: ok},"
            + " {type: Admitted, status: 'True', reason: Admitted, message: ok}]",
        "admission: {clusterQueue: training, podSetAssignments: [{name: main, flavors:"
            + " {nvidia.com/gpu: h100}}]}");
    suspendJob("kueued-pretrain-1", false);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition admitted = condition(get("kueued"), "Admitted");
              assertThat(admitted.status).isEqualTo("True");
              assertThat(admitted.message)
                  .startsWith("stage pretrain admitted by Kueue to ClusterQueue training, flavors")
                  .contains("h100");
              assertThat(get("kueued").getStatus().phase).isEqualTo(RunPhase.Running);
            });

    workload(
        job,
        "[{type: Evicted, status: 'True', reason: Preempted, message: Preempted to accommodate a"
            + " higher priority Workload}]",
        "");
    suspendJob("kueued-pretrain-1", true);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition admitted = condition(get("kueued"), "Admitted");
              assertThat(admitted.reason).isEqualTo("Preempted");
              assertThat(admitted.message).contains("Preempted to accommodate");
              assertThat(get("kueued").getStatus().phase).isEqualTo(RunPhase.Queued);
              // The Job controller removes a suspended Job's pods before Kueue can resume it.
              assertThat(pods("kueued")).isEmpty();
            });
    assertThat(
            client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "kueued".equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason()))
        .contains("Queued", "Admitted", "Preempted");

    kubelet.script("kueued", "pretrain", 1, Ending.SUCCEED);
    suspendJob("kueued-pretrain-1", false);
    await()
        .atMost(TIMEOUT)
        .until(() -> stage(get("kueued"), "pretrain").phase == StagePhase.Succeeded);
    assertThat(stage(get("kueued"), "pretrain").restarts).isZero();
    client.resource(get("kueued")).delete();
  }

  @Test
  void aGangThatNeverRunsIsNeverAStall() {
    TrainingRun stuck = TrainingRunFiles.parse(fourStages("stuck", NAMESPACE, ""));
    stuck.getSpec().failurePolicy.stallTimeoutSeconds = 30;
    client.resource(stuck).create();
    kubelet.script("stuck", "pretrain", 1, Ending.NEVER_SCHEDULED);

    await()
        .during(Duration.ofSeconds(35))
        .atMost(Duration.ofSeconds(50))
        .until(
            () -> {
              TrainingRun run = get("stuck");
              return run.getStatus() == null
                  || run.getStatus().stages == null
                  || (stage(run, "pretrain").restarts == null
                      || stage(run, "pretrain").restarts == 0);
            });
    assertThat(jobs("stuck"))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("stuck-pretrain-1");
    assertThat(get("stuck").getStatus().phase).isEqualTo(RunPhase.Pending);
    client.resource(get("stuck")).delete();
  }

  @Test
  void aLeftoverPodWithTheSameLabelsIsNotTakenForTheJobs() {
    TrainingRun created = create("leftover", "");
    Pod stale =
        new PodBuilder()
            .withNewMetadata()
            .withName("leftover-pretrain-1-0-old")
            .withNamespace(NAMESPACE)
            .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
            .addToLabels(Labels.RUN, "leftover")
            .addToLabels(Labels.STAGE, "pretrain")
            .addToLabels(Labels.ATTEMPT, "1")
            .addNewOwnerReference()
            .withApiVersion(created.getApiVersion())
            .withKind(created.getKind())
            .withName("leftover")
            .withUid(created.getMetadata().getUid())
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .withImage("trainer")
            .endContainer()
            .endSpec()
            .build();
    client.resource(stale).create();
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(stale.getMetadata().getName())
        .editStatus(
            p -> {
              p.setStatus(
                  new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                      .withPhase("Failed")
                      .build());
              return p;
            });

    TrainingRun run = awaitPhase("leftover", RunPhase.Succeeded);

    assertThat(stage(run, "pretrain").restarts).isZero();
    assertThat(stage(run, "pretrain").attempt).isEqualTo(1);
  }

  @Test
  void podsThatCannotBeScheduledShowInTheConditions() {
    create("crowded", "");
    kubelet.script("crowded", "pretrain", 1, Ending.NEVER_SCHEDULED);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              TrainingRun run = get("crowded");
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().phase).isEqualTo(RunPhase.Pending);
              Condition progressing = condition(run, "Progressing");
              assertThat(progressing.status).isEqualTo("True");
              assertThat(progressing.reason).isEqualTo("Unschedulable");
              assertThat(progressing.message)
                  .isEqualTo(
                      "stage pretrain: pods cannot be scheduled: " + SimulatedKubelet.NO_ROOM);
              assertThat(condition(run, "Ready").status).isEqualTo("False");
            });
    client.resource(get("crowded")).delete();
  }

  @Test
  void podsThatOutlastTheStartLimitAreNamedNotRestarted() {
    create("slow", "");
    kubelet.script("slow", "pretrain", 1, Ending.STUCK_CREATING);
    bindClaim("slow-checkpoints");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              TrainingRun run = get("slow");
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().phase).isEqualTo(RunPhase.Pending);
              Condition progressing = condition(run, "Progressing");
              assertThat(progressing.reason).isEqualTo("PodsNotStarted");
              assertThat(progressing.message)
                  .startsWith("stage pretrain: 2 of 2 pods not running after")
                  .contains("(pod-start-limit 3 s): slow-pretrain-1-")
                  .contains("Pending (ContainerCreating)");
            });
    assertThat(stage(get("slow"), "pretrain").restarts).isZero();
    assertThat(jobs("slow"))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("slow-pretrain-1");
    client.resource(get("slow")).delete();
  }

  /** Plays the volume controller, which the mock and a bare API server lack: binds the claim. */
  private void bindClaim(String claim) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get()
                    != null);
    client
        .persistentVolumeClaims()
        .inNamespace(NAMESPACE)
        .withName(claim)
        .editStatus(
            c -> {
              c.setStatus(
                  new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder()
                      .withPhase("Bound")
                      .build());
              return c;
            });
  }

  @Test
  void aCheckpointClaimThatNoVolumeBindsShowsInTheConditions() {
    create("unbound", "");
    kubelet.script("unbound", "pretrain", 1, Ending.NEVER_STARTED);
    // A real API server creates the claim Pending; the mock leaves its status empty.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                        .persistentVolumeClaims()
                        .inNamespace(NAMESPACE)
                        .withName("unbound-checkpoints")
                        .get()
                    != null);
    client
        .persistentVolumeClaims()
        .inNamespace(NAMESPACE)
        .withName("unbound-checkpoints")
        .editStatus(
            claim -> {
              claim.setStatus(
                  new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder()
                      .withPhase("Pending")
                      .build());
              return claim;
            });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(get("unbound").getStatus()).isNotNull();
              Condition progressing = condition(get("unbound"), "Progressing");
              assertThat(progressing.reason).isEqualTo("VolumeNotBound");
              assertThat(progressing.message)
                  .startsWith(
                      "stage pretrain: checkpoint claim unbound-checkpoints is Pending: no volume is"
                          + " bound to it");
            });
    client.resource(get("unbound")).delete();
  }

  @Test
  void deletingARunDeletesEverythingItOwns() {
    TrainingRun created = create("gone", "");
    kubelet.script("gone", "pretrain", 1, Ending.RUN_FOREVER);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                jobs("gone").size() == 1
                    && !client
                        .pods()
                        .inNamespace(NAMESPACE)
                        .withLabel(Labels.RUN, "gone")
                        .list()
                        .getItems()
                        .isEmpty());
    List<String> owners =
        Stream.concat(Stream.of(created), jobs("gone").stream())
            .map(o -> o.getMetadata().getUid())
            .toList();
    // The simulated kubelet makes the ranks' pods one by one: the first one's arrival does not mean
    // the second has been made.
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(owned("gone"))
                    .hasSizeGreaterThanOrEqualTo(7)
                    .anySatisfy(child -> assertThat(child.getKind()).isEqualTo("NetworkPolicy"))
                    .allSatisfy(
                        child ->
                            assertThat(child.getMetadata().getOwnerReferences())
                                .anySatisfy(ref -> assertThat(owners).contains(ref.getUid()))));

    client.resource(get("gone")).delete();

    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(owned("gone")).isEmpty());
  }

  @Test
  void aRestartedOperatorNeitherDuplicatesTheJobNorLosesTheRun() throws Exception {
    create("survivor", "");
    kubelet.script("survivor", "pretrain", 1, Ending.RUN_FOREVER);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                jobs("survivor").size() == 1
                    && !pods("survivor").isEmpty()
                    && pods("survivor").stream()
                        .allMatch(
                            p ->
                                p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                    && get("survivor").getStatus() != null
                    && get("survivor").getStatus().phase == RunPhase.Running);

    // A new operator process: the same code with none of the old one's memory.
    RunOutcomes outcomes = new RunOutcomes(client, events, metrics);
    var kueue = new dev.emergent.operator.admission.KueueWorkloads(client);
    TrainingRunReconciler fresh =
        new TrainingRunReconciler(
            cache,
            objects,
            new AttemptLifecycle(
                config,
                objects,
                new dev.emergent.operator.progress.ProgressPoller(
                    new dev.emergent.operator.progress.HttpProgressClient(), config),
                events,
                metrics,
                outcomes,
                new StageAdmission(
                    new dev.emergent.operator.admission.QuotaAdmission(client, cache),
                    kueue,
                    objects,
                    events,
                    config)),
            outcomes,
            events,
            metrics,
            new ImagePolicy(config),
            kueue);
    // It reads the cluster through the informers (a fresh process has them once synced).
    @SuppressWarnings("unchecked")
    var controller =
        (Controller<TrainingRun>) operator.getRegisteredController("trainingrun").orElseThrow();
    for (int i = 0; i < 3; i++) {
      TrainingRun current = get("survivor");
      fresh.reconcile(current, new DefaultContext<>(null, controller, current, false, false));
      assertThat(get("survivor").getStatus().phase).isEqualTo(RunPhase.Running);
      assertThat(stage(get("survivor"), "pretrain").attempt).isEqualTo(1);
    }

    assertThat(jobs("survivor"))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("survivor-pretrain-1");
    assertThat(stage(get("survivor"), "pretrain").attempt).isEqualTo(1);
    kubelet.script("survivor", "pretrain", 1, Ending.SUCCEED);
    edit("survivor", r -> r.getMetadata().getAnnotations().put("touch", "1"));
    awaitPhase("survivor", RunPhase.Succeeded);
    assertThat(jobs("survivor")).hasSize(4);
  }

  @Test
  void aFinishedRunIsDeletedAfterItsTtl() {
    create("shortlived", "  ttlSecondsAfterFinished: 0\n");

    await().atMost(TIMEOUT).until(() -> get("shortlived") == null);
  }

  @Test
  void aSpecChangeWhileRunningIsAppliedAtTheNextAttemptAndSaysSo() {
    create("changed", "");
    kubelet.script("changed", "pretrain", 1, Ending.RUN_FOREVER);
    await().atMost(TIMEOUT).until(() -> jobs("changed").size() == 1);

    edit("changed", r -> r.getSpec().stages.get(1).steps = 200);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              TrainingRun run = get("changed");
              assertThat(run.getStatus()).isNotNull();
              assertThat(run.getStatus().observedGeneration).isEqualTo(2);
              assertThat(condition(run, "Progressing").message)
                  .contains(
                      "spec generation 2 applies to stages that start from now on, and to pretrain"
                          + " (planned from generation 1) at its next attempt");
            });
    kubelet.script("changed", "pretrain", 1, Ending.SUCCEED);
    TrainingRun done = awaitPhase("changed", RunPhase.Succeeded);
    assertThat(stage(done, "sft").totalSteps).isEqualTo(200);
    assertThat(stage(done, "sft").specGeneration).isEqualTo(2);
  }

  @Test
  void metricsCountRunsByPhase() throws Exception {
    create("counted", "");
    awaitPhase("counted", RunPhase.Succeeded);

    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + httpPort + "/q/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.body())
        .contains("emergent_runs{phase=\"Succeeded\"}")
        .contains("emergent_reconcile_duration_seconds_count")
        .contains("operator_sdk_reconciliations_started_total");
    assertThat(response.body().lines().filter(line -> line.startsWith("operator_sdk_")))
        .as("the SDK's meters are per controller, its timers histograms without quantiles")
        .isNotEmpty()
        .noneMatch(line -> line.contains("\"counted\"") || line.contains("quantile="));
  }

  /**
   * Whether the API server runs the CRD's schema and CEL rules; the Fabric8 mock does not, which is
   * how a cluster with an older CRD than the operator's behaves.
   */
  abstract boolean admissionChecksSpecs();

  @Test
  void anInvalidSpecIsRefusedAtAdmissionOrBecomesAConditionWithThePlannersMessage() {
    TrainingRun run =
        TrainingRunFiles.parse(
            """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: invalid}
        spec:
          model: {layers: 2, dModel: 64, heads: 4, contextLength: 32}
          mesh: {axes: [{name: data, size: 2}]}
          stages:
          - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, steps: 100, batchSize: 33}
        """);
    run.getMetadata().setNamespace(NAMESPACE);

    if (admissionChecksSpecs()) {
      assertThatThrownBy(() -> client.resource(run).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining(
              "batchSize (default 32) must be divisible by the size of the stage mesh's axis"
                  + " 'data' × microBatchSize");
      return;
    }
    client.resource(run).create();

    TrainingRun failed = awaitPhase("invalid", RunPhase.Failed);

    Condition ready = condition(failed, "Ready");
    assertThat(ready.status).isEqualTo("False");
    assertThat(ready.reason).isEqualTo("InvalidSpec");
    assertThat(ready.message)
        .contains(
            "spec.stages[0].batchSize: must be divisible by the size of the mesh axis 'data' (2), got 33");
    assertThat(jobs("invalid")).isEmpty();
  }

  /** A namespace of its own, so that its quota holds back no other scenario's runs. */
  static final String QUOTA_NS = NAMESPACE + "-quota";

  private void prepareQuotaNamespace() {
    for (HasMetadata object :
        List.<HasMetadata>of(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(QUOTA_NS)
                .endMetadata()
                .build(),
            new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata()
                .withName("default")
                .withNamespace(QUOTA_NS)
                .endMetadata()
                .build())) {
      try {
        client.resource(object).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /**
   * A ResourceQuota on pods, with the usage a quota controller would report (neither the mock nor a
   * bare API server runs one); a status write wakes the runs that wait for it.
   */
  private void podQuota(String name, int hard, int used) {
    var quota =
        new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(QUOTA_NS)
            .endMetadata()
            .withNewSpec()
            .addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity(Integer.toString(hard)))
            .endSpec()
            .build();
    client.resource(quota).createOr(existing -> existing.update());
    client
        .resourceQuotas()
        .inNamespace(QUOTA_NS)
        .withName(name)
        .editStatus(
            q -> {
              q.setStatus(
                  new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
                      .addToHard(
                          "pods",
                          new io.fabric8.kubernetes.api.model.Quantity(Integer.toString(hard)))
                      .addToUsed(
                          "pods",
                          new io.fabric8.kubernetes.api.model.Quantity(Integer.toString(used)))
                      .build());
              return q;
            });
  }

  private TrainingRun inQuotaNamespace(String name) {
    return client.resources(TrainingRun.class).inNamespace(QUOTA_NS).withName(name).get();
  }

  private Condition admitted(String name) {
    TrainingRun run = inQuotaNamespace(name);
    assertThat(run.getStatus()).as(name + " has a status").isNotNull();
    return condition(run, "Admitted");
  }

  @Test
  void aStageThatExceedsTheQuotaWaitsWithTheNumbersAndStartsWhenThereIsRoom() {
    prepareQuotaNamespace();
    podQuota("team-pods", 4, 3);
    SimulatedKubelet quotaKubelet = new SimulatedKubelet(client, QUOTA_NS);
    try {
      client.resource(TrainingRunFiles.parse(fourStages("wide", QUOTA_NS, ""))).create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                Condition admitted = admitted("wide");
                assertThat(inQuotaNamespace("wide").getStatus().phase).isEqualTo(RunPhase.Pending);
                assertThat(admitted.status).isEqualTo("False");
                assertThat(admitted.reason).isEqualTo("QuotaExceeded");
                assertThat(admitted.message)
                    .isEqualTo("stage pretrain needs pods 2, quota team-pods has 1 free of 4");
              });
      assertThat(jobs(client, QUOTA_NS, "wide")).isEmpty();
      assertThat(stage(inQuotaNamespace("wide"), "pretrain").waitingSince).isNotNull();

      podQuota("team-pods", 4, 2);

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(admitted("wide").status).isEqualTo("True");
                assertThat(stage(inQuotaNamespace("wide"), "pretrain").admittedTime).isNotNull();
                assertThat(stage(inQuotaNamespace("wide"), "pretrain").waitedSeconds).isNotNull();
              });
      assertThat(
              client.v1().events().inNamespace(QUOTA_NS).list().getItems().stream()
                  .map(e -> e.getReason()))
          .contains("QuotaExceeded");
    } finally {
      client.resources(TrainingRun.class).inNamespace(QUOTA_NS).delete();
      client.resourceQuotas().inNamespace(QUOTA_NS).withName("team-pods").delete();
      quotaKubelet.close();
    }
  }

  /**
   * The API server's own quota admission refuses what the operator's check let through: the quota
   * controller has not yet copied a raised spec.hard to status.hard, which admission enforces.
   */
  @Test
  void aCreateTheApiServersQuotaRefusesIsAWaitNotACrash() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        admissionChecksSpecs(), "the mock API server has no quota admission");
    prepareQuotaNamespace();
    var quota =
        new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
            .withNewMetadata()
            .withName("jobs")
            .withNamespace(QUOTA_NS)
            .endMetadata()
            .withNewSpec()
            .addToHard("count/jobs.batch", new io.fabric8.kubernetes.api.model.Quantity("10"))
            .endSpec()
            .build();
    client.resource(quota).create();
    java.util.function.IntConsumer statusHard =
        hard ->
            client
                .resourceQuotas()
                .inNamespace(QUOTA_NS)
                .withName("jobs")
                .editStatus(
                    q -> {
                      q.setStatus(
                          new io.fabric8.kubernetes.api.model.ResourceQuotaStatusBuilder()
                              .addToHard(
                                  "count/jobs.batch",
                                  new io.fabric8.kubernetes.api.model.Quantity(
                                      Integer.toString(hard)))
                              .addToUsed(
                                  "count/jobs.batch",
                                  new io.fabric8.kubernetes.api.model.Quantity("0"))
                              .build());
                      return q;
                    });
    statusHard.accept(0);
    SimulatedKubelet quotaKubelet = new SimulatedKubelet(client, QUOTA_NS);
    try {
      client.resource(TrainingRunFiles.parse(fourStages("refused", QUOTA_NS, ""))).create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                Condition admitted = admitted("refused");
                assertThat(admitted.reason).isEqualTo("QuotaExceeded");
                assertThat(admitted.message)
                    .startsWith("stage pretrain: the API server refused it:")
                    .contains("exceeded quota: jobs");
              });
      assertThat(jobs(client, QUOTA_NS, "refused")).isEmpty();

      statusHard.accept(10);

      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(admitted("refused").status).isEqualTo("True"));
    } finally {
      client.resources(TrainingRun.class).inNamespace(QUOTA_NS).delete();
      client.resourceQuotas().inNamespace(QUOTA_NS).withName("jobs").delete();
      quotaKubelet.close();
    }
  }

  @Test
  void waitingRunsStartByPriorityThenAgeAndALaterSmallerRunDoesNotJumpTheLine() {
    prepareQuotaNamespace();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
                .withNewMetadata()
                .withName(QUOTA_NS + "-high")
                .endMetadata()
                .withValue(1000)
                .build())
        .createOr(existing -> existing.update());
    // Room for all three gangs once freed: a bare API server's quota admission counts the pods
    // the simulated kubelet creates, and no controller gives them back.
    podQuota("team-pods", 10, 10);
    SimulatedKubelet quotaKubelet = new SimulatedKubelet(client, QUOTA_NS);
    try {
      client.resource(TrainingRunFiles.parse(fourStages("early", QUOTA_NS, ""))).create();
      await().atMost(TIMEOUT).until(() -> inQuotaNamespace("early").getStatus() != null);
      TrainingRun small = TrainingRunFiles.parse(fourStages("small", QUOTA_NS, ""));
      small.getSpec().mesh.axes.get(0).size = 1;
      client.resource(small).create();
      TrainingRun urgent = TrainingRunFiles.parse(fourStages("urgent", QUOTA_NS, ""));
      urgent.getSpec().scheduling = new dev.emergent.api.v1alpha1.SchedulingSpec();
      urgent.getSpec().scheduling.priorityClassName = QUOTA_NS + "-high";
      client.resource(urgent).create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(admitted("early").reason).isIn("QuotaExceeded", "WaitingForQuota");
                assertThat(admitted("urgent").reason).isEqualTo("QuotaExceeded");
                assertThat(admitted("small").reason).isEqualTo("WaitingForQuota");
                assertThat(admitted("small").message).contains("waits behind run urgent");
              });

      podQuota("team-pods", 10, 0);

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(List.of("early", "small", "urgent"))
                      .allSatisfy(r -> assertThat(admitted(r).status).as(r).isEqualTo("True")));
      java.util.function.Function<String, java.time.Instant> admittedAt =
          r -> java.time.Instant.parse(stage(inQuotaNamespace(r), "pretrain").admittedTime);
      assertThat(admittedAt.apply("urgent")).isBeforeOrEqualTo(admittedAt.apply("early"));
      assertThat(admittedAt.apply("early")).isBeforeOrEqualTo(admittedAt.apply("small"));
    } finally {
      client.resources(TrainingRun.class).inNamespace(QUOTA_NS).delete();
      client.resourceQuotas().inNamespace(QUOTA_NS).withName("team-pods").delete();
      quotaKubelet.close();
    }
  }

  /**
   * Every YAML block of docs/platform.md, applied as written (its namespace made the quota test's):
   * the guide's quota holds back examples/gpu-8x8.yaml, which needs 64 GPUs at once.
   */
  @Test
  void thePlatformGuidesQuotaHoldsBackTheEightByEightRunAndSaysWhy() throws Exception {
    prepareQuotaNamespace();
    String guide = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/platform.md"));
    List<String> blocks = new java.util.ArrayList<>();
    java.util.regex.Matcher yaml =
        java.util.regex.Pattern.compile("```yaml\\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(guide);
    while (yaml.find()) {
      blocks.add(yaml.group(1).replace("namespace: team-a", "namespace: " + QUOTA_NS));
    }
    assertThat(blocks).isNotEmpty();
    List<HasMetadata> applied = new java.util.ArrayList<>();
    for (String block : blocks) {
      applied.addAll(client.load(new java.io.ByteArrayInputStream(block.getBytes())).items());
    }
    applied.forEach(o -> client.resource(o).createOr(existing -> existing.update()));
    TrainingRun big = TrainingRunFiles.read(java.nio.file.Path.of("../examples/gpu-8x8.yaml"));
    big.getMetadata().setNamespace(QUOTA_NS);
    try {
      client.resource(big).create();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                Condition admitted = admitted("gpt-1b");
                assertThat(admitted.reason).isEqualTo("QuotaTooSmall");
                assertThat(admitted.message)
                    .startsWith("stage pretrain needs ")
                    .contains("requests.nvidia.com/gpu 64, quota gpu-quota has 16 free of 16")
                    .endsWith("(more than the quota allows in all: it never fits)");
              });
      assertThat(jobs(client, QUOTA_NS, "gpt-1b")).isEmpty();
    } finally {
      client.resources(TrainingRun.class).inNamespace(QUOTA_NS).withName("gpt-1b").delete();
      applied.forEach(o -> client.resource(o).delete());
    }
  }

  @Test
  void theOperatorWritesOnlyStatusSoGitOpsSeesNoDrift() {
    TrainingRun desired = TrainingRunFiles.parse(fourStages("gitops", NAMESPACE, ""));
    TrainingRun created = client.resource(desired).create();

    TrainingRun done = awaitPhase("gitops", RunPhase.Succeeded);

    ObjectMapper json = new ObjectMapper();
    JsonNode live = json.valueToTree(done.getSpec());
    JsonNode applied = json.valueToTree(desired.getSpec());
    assertThat(live)
        .as("the live spec is what was applied: no defaults, no writes")
        .isEqualTo(applied);
    assertThat(done.getMetadata().getGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(done.getMetadata().getFinalizers()).isNullOrEmpty();
    assertThat(done.getMetadata().getLabels()).isEqualTo(created.getMetadata().getLabels());
    assertThat(done.getMetadata().getAnnotations())
        .isEqualTo(created.getMetadata().getAnnotations());
  }

  @Test
  void aRunNamingAnImageTheOperatorDoesNotAllowFailsNamingSpecImage() {
    create("foreign", "  image: registry.example.net/someone/trainer:1\n");

    TrainingRun failed = awaitPhase("foreign", RunPhase.Failed);

    Condition ready = condition(failed, "Ready");
    assertThat(ready.reason).isEqualTo("InvalidSpec");
    assertThat(ready.message)
        .contains(
            "spec.image: registry.example.net/someone/trainer:1 is not an image this operator"
                + " runs; allowed: registry.example.com/ml/*");
    assertThat(jobs("foreign")).isEmpty();
  }

  private List<HasMetadata> owned(String run) {
    return Stream.<List<? extends HasMetadata>>of(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(NAMESPACE)
                .withLabel(Labels.RUN, run)
                .list()
                .getItems(),
            client.pods().inNamespace(NAMESPACE).withLabel(Labels.RUN, run).list().getItems(),
            client.services().inNamespace(NAMESPACE).withLabel(Labels.RUN, run).list().getItems(),
            client.configMaps().inNamespace(NAMESPACE).withLabel(Labels.RUN, run).list().getItems(),
            client.secrets().inNamespace(NAMESPACE).withLabel(Labels.RUN, run).list().getItems(),
            client
                .network()
                .v1()
                .networkPolicies()
                .inNamespace(NAMESPACE)
                .withLabel(Labels.RUN, run)
                .list()
                .getItems(),
            client
                .persistentVolumeClaims()
                .inNamespace(NAMESPACE)
                .withLabel(Labels.RUN, run)
                .list()
                .getItems())
        .flatMap(List::stream)
        .map(HasMetadata.class::cast)
        .toList();
  }
}
