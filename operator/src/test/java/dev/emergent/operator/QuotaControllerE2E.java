package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emergent.api.v1alpha1.Condition;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quota admission on a control plane with its controllers ({@code ../shared/k8s/up.sh --full}): the
 * Job controller makes the gang's pods and the quota controller counts them (there is no kubelet,
 * so they stay Pending, which a quota counts all the same). Two quickstart runs compete for 3 CPUs:
 * the first is admitted, the second waits with the numbers until the quota grows. Run with {@code
 * ./mvnw verify -Pe2e -Demergent.e2e.controllers=true -pl operator -Dit.test=QuotaControllerE2E}.
 */
class QuotaControllerE2E {
  private static final String TEAM = "quota-" + UUID.randomUUID().toString().substring(0, 8);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static KubernetesClient client;
  private static OperatorProcess operator;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Boolean.getBoolean("emergent.e2e.controllers"),
        "needs a control plane with its controllers; run with -Demergent.e2e.controllers=true");
    client = new KubernetesClientBuilder().build();
    E2ECluster.prepare(client, TEAM);
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("team-quota")
                .withNamespace(TEAM)
                .endMetadata()
                .withNewSpec()
                .addToHard("requests.cpu", new Quantity("3"))
                .addToHard("pods", new Quantity("10"))
                .endSpec()
                .build())
        .create();
    operator =
        new OperatorProcess(
            Path.of("target", "operator-" + TEAM + ".log"),
            Map.of("EMERGENT_OPERATOR_LEASE_NAMESPACE", TEAM));
    operator.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      E2ECluster.delete(client, TEAM);
      client.close();
    }
  }

  private static void create(String name) throws Exception {
    TrainingRun run = TrainingRunFiles.read(Path.of("..", "examples", "quickstart.yaml"));
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(TEAM);
    client.resource(run).create();
  }

  private static Condition admitted(String name) {
    TrainingRun run = client.resources(TrainingRun.class).inNamespace(TEAM).withName(name).get();
    assertThat(run.getStatus()).as(name + " has a status").isNotNull();
    return TrainingRunScenarios.condition(run, "Admitted");
  }

  @Test
  void theSecondRunWaitsForTheQuotaTheFirstHoldsAndStartsWhenItGrows() throws Exception {
    create("first");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(admitted("first").status).isEqualTo("True"));
    // The quota controller counts the first gang's pods before the second run asks.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "2"
                    .equals(
                        client
                            .resourceQuotas()
                            .inNamespace(TEAM)
                            .withName("team-quota")
                            .get()
                            .getStatus()
                            .getUsed()
                            .getOrDefault("requests.cpu", new Quantity("0"))
                            .toString()));
    create("second");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition admitted = admitted("second");
              assertThat(admitted.reason).isEqualTo("QuotaExceeded");
              assertThat(admitted.message)
                  .isEqualTo(
                      "stage pretrain needs requests.cpu 2, quota team-quota has 1 free of 3");
            });
    assertThat(client.batch().v1().jobs().inNamespace(TEAM).list().getItems()).hasSize(1);

    client
        .resourceQuotas()
        .inNamespace(TEAM)
        .withName("team-quota")
        .edit(
            q -> {
              q.getSpec().getHard().put("requests.cpu", new Quantity("4"));
              return q;
            });

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition admitted = admitted("second");
              assertThat(admitted.status).isEqualTo("True");
              assertThat(admitted.message).startsWith("stage pretrain created within quota");
            });
    assertThat(operator.log()).contains("QuotaExceeded: stage pretrain needs requests.cpu 2");
  }
}
