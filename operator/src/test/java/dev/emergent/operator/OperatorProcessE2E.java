package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.StageStatus;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.SimulatedKubelet.Ending;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator as a user starts it, against the real API server in KUBECONFIG, with the
 * simulated kubelet of the scenarios: it starts where docs/operator.md says (a kubeconfig without a
 * namespace, so no Lease namespace) and survives being killed at random points during several runs.
 * Run with {@code ./mvnw verify -Pe2e -Demergent.e2e.simulatePods=true}.
 */
class OperatorProcessE2E {
  private static final String NAMESPACE = "jar-" + UUID.randomUUID().toString().substring(0, 8);
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static KubernetesClient client;

  private SimulatedKubelet kubelet;
  private OperatorProcess operator;

  @BeforeAll
  static void prepareCluster() throws Exception {
    client = E2ECluster.connectForSimulatedPods();
    E2ECluster.prepare(client, NAMESPACE);
  }

  @AfterAll
  static void deleteNamespace() {
    if (client != null) {
      E2ECluster.delete(client, NAMESPACE);
      client.close();
    }
  }

  @BeforeEach
  void startKubelet() {
    kubelet = new SimulatedKubelet(client, NAMESPACE);
  }

  private void startOperator(Map<String, String> extraEnvironment) throws Exception {
    Map<String, String> environment =
        new java.util.HashMap<>(
            Map.of(
                // Nothing listens there: progress is not what these tests look at.
                "EMERGENT_OPERATOR_PROGRESS_PORT", "1",
                "EMERGENT_OPERATOR_RESTART_BACKOFF", "200ms"));
    environment.putAll(extraEnvironment);
    operator =
        new OperatorProcess(Path.of("target", "operator-" + NAMESPACE + ".log"), environment);
    operator.start();
  }

  @AfterEach
  void stopOperator() throws Exception {
    if (operator != null) {
      operator.close();
    }
    kubelet.close();
  }

  @Test
  void thePackagedJarStartsOutsideAClusterAndRunsAChain() throws Exception {
    startOperator(Map.of());
    create("jar");

    await().atMost(TIMEOUT).until(() -> phase("jar") == RunPhase.Succeeded);

    assertThat(operator.log()).contains("Leader election off");
    // Its TLS to the API server encrypted by AWS-LC (NativeCrypto), which its main put in place.
    assertThat(operator.log()).contains("TLS ciphers: AmazonCorrettoCryptoProvider");
    assertThat(jobNames("jar")).hasSize(4);
  }

  @Test
  void withALeaseNamespaceItHoldsTheLeaseAndReconciles() throws Exception {
    startOperator(Map.of("EMERGENT_OPERATOR_LEASE_NAMESPACE", NAMESPACE));
    create("leader");

    await().atMost(TIMEOUT).until(() -> phase("leader") == RunPhase.Succeeded);

    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    assertThat(lease).isNotNull();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
    // SIGTERM ends the leader promptly (it once waited forever in its own shutdown).
    assertThat(operator.terminate(java.time.Duration.ofSeconds(20)))
        .as("exit code after SIGTERM (-1: still running after 20 s)")
        .isEqualTo(143);
    // ...and hands the Lease over, so that a replacement need not wait out its duration.
    Lease released =
        client.leases().inNamespace(NAMESPACE).withName(LeaderElection.LEASE_NAME).get();
    assertThat(released.getSpec().getHolderIdentity()).isNull();
    assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    assertThat(operator.log()).contains("Released the Lease");
  }

  @Test
  void killedAtRandomPointsItNeitherDuplicatesNorLosesNorMiscounts() throws Exception {
    startOperator(Map.of());
    List<String> runs = IntStream.range(0, 3).mapToObj(i -> "chaos-" + i).toList();
    runs.forEach(this::create);
    // One stage per run waits until the operator has been killed a few times, so that kills
    // land while Jobs exist, between stages and before status writes.
    runs.forEach(run -> kubelet.script(run, "sft", 1, Ending.RUN_FOREVER));
    Random random = new Random(42);
    int kills = 0;
    while (kills < 8) {
      Thread.sleep(300 + random.nextInt(2500));
      operator.kill();
      kills++;
      if (kills == 5) {
        runs.forEach(run -> kubelet.script(run, "sft", 1, Ending.SUCCEED));
      }
      operator.start();
    }

    await()
        .atMost(TIMEOUT)
        .until(() -> runs.stream().allMatch(run -> phase(run) == RunPhase.Succeeded));

    for (String run : runs) {
      assertThat(jobNames(run))
          .as("one Job per stage, all first attempts")
          .containsExactlyInAnyOrder(
              run + "-pretrain-1", run + "-sft-1", run + "-reward-1", run + "-ppo-1");
      List<StageStatus> stages = get(run).getStatus().stages;
      assertThat(stages)
          .extracting(s -> s.name)
          .containsExactly("pretrain", "sft", "reward", "ppo");
      assertThat(stages).allSatisfy(s -> assertThat(s.restarts).as(s.name).isZero());
      assertThat(stages).allSatisfy(s -> assertThat(s.attempt).as(s.name).isEqualTo(1));
    }
  }

  private void create(String name) {
    client
        .resource(TrainingRunFiles.parse(TrainingRunScenarios.fourStages(name, NAMESPACE, "")))
        .create();
  }

  private TrainingRun get(String name) {
    return client.resources(TrainingRun.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private RunPhase phase(String name) {
    TrainingRun run = get(name);
    return run == null || run.getStatus() == null ? null : run.getStatus().phase;
  }

  private List<String> jobNames(String run) {
    return TrainingRunScenarios.jobs(client, NAMESPACE, run).stream()
        .map(j -> j.getMetadata().getName())
        .toList();
  }
}
