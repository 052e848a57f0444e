package dev.emergent.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Kueue's Workloads read through the API: a cluster without Kueue answers 404. */
@EnableKubernetesMockClient
class KueueWorkloadsIT {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void aClusterThatServesNoWorkloadsHasNoKueue() {
    server
        .expect()
        .get()
        .withPath("/apis/kueue.x-k8s.io/v1beta1/namespaces/team-a/workloads")
        .andReturn(404, "")
        .always();
    KueueWorkloads kueue = new KueueWorkloads(client);

    assertThat(kueue.served("team-a")).isFalse();
    assertThat(kueue.installed()).isFalse();
    assertThat(kueue.of("team-a", "u1")).contains(KueueWorkloads.NOT_INSTALLED);
    assertThat(KueueWorkloads.NOT_INSTALLED.reason()).isEqualTo("KueueNotInstalled");
  }

  private GenericKubernetesResource workload(String yaml) {
    return client
        .getKubernetesSerialization()
        .unmarshal(
            "apiVersion: kueue.x-k8s.io/v1beta1\nkind: Workload\n" + yaml,
            GenericKubernetesResource.class);
  }

  @Test
  void aWorkloadEvictedForAPreemptionIsPreemptedAndOneWithoutConditionsIsQueued() {
    GenericKubernetesResource preempted =
        workload(
            """
                metadata: {name: w}
                status:
                  conditions:
                  - {type: Admitted, status: "True", reason: Admitted}
                  - {type: Evicted, status: "True", reason: Preempted, message: to make room}
                """);
    GenericKubernetesResource fresh = workload("metadata: {name: w}\n");

    assertThat(KueueWorkloads.view(preempted))
        .isEqualTo(
            new KueueWorkloads.View(
                false, "Preempted", "Kueue evicted the Workload (Preempted): to make room"));
    assertThat(KueueWorkloads.view(fresh))
        .isEqualTo(
            new KueueWorkloads.View(
                false, "Queued", "waiting in Kueue: Kueue has not admitted the Workload yet"));
  }
}
