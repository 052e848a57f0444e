package dev.emergent.operator;

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
    E2ECluster.prepareForSimulatedPods(NAMESPACE);
  }

  @AfterAll
  static void deleteNamespace() {
    E2ECluster.delete(NAMESPACE);
  }
}
