package dev.emergent.operator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The study scenarios against the Fabric8 mock API server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(FakeProgressServer.class)
class ScalingStudyReconcilerIT extends ScalingStudyScenarios {
  @Override
  boolean admissionChecksSpecs() {
    return false;
  }
}
