package dev.emergent.operator;

import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Prepares the cluster in KUBECONFIG for an E2E suite: the committed CRDs, applied with forced
 * ownership so that the suite can run again after kubectl or another suite applied it, and a
 * namespace of the suite's own.
 */
final class E2ECluster {
  static final String FIELD_MANAGER = "emergent-e2e";
  private static final List<Path> CRDS =
      List.of(
          Path.of("../crds/trainingruns.emergent.dev-v1.yml"),
          Path.of("../crds/scalingstudies.emergent.dev-v1.yml"));

  private E2ECluster() {}

  /**
   * A client of the cluster in KUBECONFIG for a suite whose pods the simulated kubelet plays; the
   * suite is skipped unless {@code -Demergent.e2e.simulatePods=true} says that the cluster has no
   * kubelet of its own (real trainer pods would need a cluster that can pull the trainer image).
   */
  static KubernetesClient connectForSimulatedPods() {
    Assumptions.assumeTrue(
        Boolean.getBoolean("emergent.e2e.simulatePods"),
        "pods are simulated; run with -Demergent.e2e.simulatePods=true");
    return new KubernetesClientBuilder().build();
  }

  static void prepare(KubernetesClient client, String namespace) throws IOException {
    for (Path committed : CRDS) {
      CustomResourceDefinition crd;
      try (InputStream file = Files.newInputStream(committed)) {
        crd = client.getKubernetesSerialization().unmarshal(file, CustomResourceDefinition.class);
      }
      client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      client
          .resource(crd)
          .waitUntilCondition(
              c ->
                  c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              k ->
                                  "Established".equals(k.getType())
                                      && "True".equals(k.getStatus())),
              60,
              TimeUnit.SECONDS);
    }
    // Kueue's kinds, so that the suite can play Kueue's controller and apply the platform
    // examples (Kueue itself is not needed: the operator only reads Workloads).
    try (InputStream file = E2ECluster.class.getResourceAsStream("/kueue-crds.yaml")) {
      for (HasMetadata kueueCrd : client.load(file).items()) {
        client.resource(kueueCrd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      }
    }
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .fieldManager(FIELD_MANAGER)
        .serverSideApply();
    // A bare API server has no controller that makes a namespace's default ServiceAccount, and
    // its ServiceAccount admission refuses pods without one.
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("default")
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .fieldManager(FIELD_MANAGER)
        .serverSideApply();
  }

  /**
   * Deletes the suite's runs, then its namespace. The runs go first because on a control plane
   * without controllers the namespace stays Terminating with everything in it, and an operator of a
   * later suite would otherwise go on reconciling them.
   */
  /** The CRDs and {@code namespace} on the cluster in KUBECONFIG, for a suite of simulated pods. */
  static void prepareForSimulatedPods(String namespace) throws IOException {
    try (KubernetesClient client = connectForSimulatedPods()) {
      prepare(client, namespace);
    }
  }

  static void delete(String namespace) {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      delete(client, namespace);
    }
  }

  static void delete(KubernetesClient client, String namespace) {
    client.resources(ScalingStudy.class).inNamespace(namespace).delete();
    client.resources(TrainingRun.class).inNamespace(namespace).delete();
    client.namespaces().withName(namespace).delete();
  }
}
