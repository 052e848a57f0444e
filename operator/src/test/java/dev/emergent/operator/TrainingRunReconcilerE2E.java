package dev.emergent.operator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same scenarios against the cluster in KUBECONFIG: {@code ./mvnw verify -Pe2e
 * -Demergent.e2e.simulatePods=true}. The suite then plays the kubelet, the Job controller and the
 * garbage collector, so it needs a control plane without them (an API server and etcd, as {@code
 * .ci/run} starts); on a cluster with kubelets, pods would be made twice. Real trainer pods need a
 * published trainer image, so without simulatePods the suite is skipped.
 *
 * <p>Re-runnable on the same server: the CRD is applied with forced ownership, and every run of the
 * suite works in a namespace of its own, deleted at the end.
 */
@QuarkusTest
@TestProfile(TrainingRunReconcilerE2E.RealCluster.class)
@QuarkusTestResource(FakeProgressServer.class)
class TrainingRunReconcilerE2E extends TrainingRunScenarios {
  /**
   * Server-side apply as in production; the CRD comes from crds/, applied below. The operator
   * watches only the suite's namespaces: it lives on while later suites of the same JVM run on the
   * same cluster, and must not reconcile their runs.
   */
  public static class RealCluster implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.operator-sdk.enable-ssa",
          "true",
          "quarkus.operator-sdk.crd.apply",
          "false",
          "quarkus.kubernetes-client.namespace",
          NAMESPACE,
          "quarkus.operator-sdk.controllers.trainingrun.namespaces",
          NAMESPACE + "," + QUOTA_NS + "," + ScalingStudyScenarios.NAMESPACE,
          "quarkus.operator-sdk.controllers.scalingstudy.namespaces",
          ScalingStudyScenarios.NAMESPACE);
    }
  }

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
