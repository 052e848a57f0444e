package dev.emergent.operator.resources;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.Map;

/**
 * Who may reach a run's trainers, where the cluster's network plugin enforces policies: the run's
 * own pods on any port (rendezvous on 29500, and the ring collectives on the ephemeral ports each
 * rank binds), and the operator's pods, from any namespace, on the progress port only. Nothing else
 * gets in: a trainer pod holds the run token and serves no one else.
 */
public final class RunNetworkPolicy {
  /** Labels that select the operator's pods; the operator's Deployment must carry them. */
  public static final Map<String, String> OPERATOR_POD_LABELS =
      Map.of("app.kubernetes.io/name", Labels.OPERATOR);

  private RunNetworkPolicy() {}

  public static NetworkPolicy desired(TrainingRun run, int progressPort) {
    Map<String, String> trainers = Labels.run(run.getMetadata().getName());
    return new NetworkPolicyBuilder()
        .withMetadata(StageAttempt.runMetadata(run, Names.ranks(run.getMetadata().getName())))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(trainers)
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(trainers)
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
