package dev.emergent.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The study scenarios against the cluster in KUBECONFIG, with the same operator configuration as
 * {@link TrainingRunReconcilerE2E}: the committed CRDs with their CEL rules, server-side apply.
 */
@QuarkusTest
@TestProfile(TrainingRunReconcilerE2E.RealCluster.class)
@QuarkusTestResource(FakeProgressServer.class)
class ScalingStudyReconcilerE2E extends ScalingStudyScenarios {
  @Override
  boolean admissionChecksSpecs() {
    return true;
  }

  @BeforeAll
  static void prepareCluster() throws IOException {
    try (KubernetesClient client = E2ECluster.connectForSimulatedPods()) {
      E2ECluster.prepare(client, NAMESPACE);
    }
  }

  @AfterAll
  static void deleteNamespace() {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      E2ECluster.delete(client, NAMESPACE);
    }
  }
}
