package dev.emergent.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.Map;

/**
 * Who may reach an attempt's trainers, where the cluster's network plugin enforces policies: the
 * attempt's own pods on any port (rendezvous on 29500, and the ring collectives on the ephemeral
 * ports each rank binds), and the operator's pods, from any namespace, on the progress port only.
 * Nothing else gets in: a trainer pod holds the run token and serves no one else.
 */
public final class StageNetworkPolicy {
  /** Labels that select the operator's pods; the operator's Deployment must carry them. */
  public static final Map<String, String> OPERATOR_POD_LABELS =
      Map.of("app.kubernetes.io/name", Labels.OPERATOR);

  private StageNetworkPolicy() {}

  public static NetworkPolicy desired(StageAttempt attempt, int progressPort) {
    return new NetworkPolicyBuilder()
        .withMetadata(attempt.metadata(attempt.name()))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(attempt.labels())
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(attempt.labels())
        .endPodSelector()
        .endFrom()
        .endIngress()
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(OPERATOR_POD_LABELS)
        .endPodSelector()
        .withNewNamespaceSelector()
        .endNamespaceSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(progressPort))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
