package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.TrainingRunFiles;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart in helm/ installed with helm-java into the real API server, in namespaced mode (one
 * watched team namespace) and cluster-wide mode. Its ServiceAccount may make every call the
 * operator makes and none of a list it must not; then the packaged operator, given only that
 * account's token, runs a four-stage chain with simulated pods: a missing rule fails this test.
 */
class HelmInstallE2E {
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  private static final String OPERATOR_NS = "emergent-" + SUFFIX;
  private static final String TEAM_NS = "team-" + SUFFIX;
  private static final String OTHER_NS = "other-" + SUFFIX;

  /** Namespaced release; its name holds the chart's, so it names every object. */
  private static final String NAMESPACED = "emergent-operator-" + SUFFIX;

  private static final String CLUSTER_WIDE = "emergent-operator-all-" + SUFFIX;
  private static final Path CHART = Path.of("..", "helm", "emergent-operator");
  private static KubernetesClient client;
  private static Path kubeconfig;

  @BeforeAll
  static void install() throws Exception {
    client = E2ECluster.connectForSimulatedPods();
    kubeconfig = Path.of(System.getenv("KUBECONFIG"));
    E2ECluster.prepare(client, TEAM_NS);
    E2ECluster.prepare(client, OTHER_NS);
    new Helm(CHART)
        .install()
        .withName(NAMESPACED)
        .withNamespace(OPERATOR_NS)
        .createNamespace()
        .withKubeConfig(kubeconfig)
        .set("watchNamespaces[0]", TEAM_NS)
        .call();
    new Helm(CHART)
        .install()
        .withName(CLUSTER_WIDE)
        .withNamespace(OPERATOR_NS)
        .withKubeConfig(kubeconfig)
        .call();
  }

  @AfterAll
  static void uninstall() {
    if (client == null) {
      return;
    }
    for (String release : List.of(NAMESPACED, CLUSTER_WIDE)) {
      Helm.uninstall(release).withNamespace(OPERATOR_NS).withKubeConfig(kubeconfig).call();
    }
    E2ECluster.delete(client, TEAM_NS);
    E2ECluster.delete(client, OTHER_NS);
    client.namespaces().withName(OPERATOR_NS).delete();
    client.close();
  }

  /**
   * What the operator does, as (namespace, verb, group, resource, name); namespace "" = cluster.
   */
  private static List<String[]> operatorCalls(String namespace) {
    return List.of(
        call(namespace, "list", "emergent.dev", "trainingruns"),
        call(namespace, "watch", "emergent.dev", "trainingruns"),
        call(namespace, "get", "emergent.dev", "trainingruns"),
        call(namespace, "delete", "emergent.dev", "trainingruns"),
        call(namespace, "patch", "emergent.dev", "trainingruns/status"),
        call(namespace, "create", "emergent.dev", "trainingruns"),
        call(namespace, "list", "emergent.dev", "scalingstudies"),
        call(namespace, "watch", "emergent.dev", "scalingstudies"),
        call(namespace, "patch", "emergent.dev", "scalingstudies/status"),
        call(namespace, "create", "batch", "jobs"),
        call(namespace, "watch", "batch", "jobs"),
        call(namespace, "delete", "batch", "jobs"),
        call(namespace, "list", "", "pods"),
        call(namespace, "watch", "", "pods"),
        call(namespace, "create", "", "secrets"),
        call(namespace, "create", "", "services"),
        call(namespace, "create", "networking.k8s.io", "networkpolicies"),
        call(namespace, "get", "", "persistentvolumeclaims"),
        call(namespace, "create", "", "persistentvolumeclaims"),
        call(namespace, "create", "", "events"),
        call(namespace, "patch", "", "events"),
        call(namespace, "list", "", "resourcequotas"),
        call(namespace, "watch", "", "resourcequotas"),
        call(namespace, "list", "kueue.x-k8s.io", "workloads"),
        call(namespace, "watch", "kueue.x-k8s.io", "workloads"));
  }

  /** What the operator does outside the namespaces it watches: its Lease, its CRD. */
  private static final List<String[]> OWN_CALLS =
      List.of(
          call(OPERATOR_NS, "update", "coordination.k8s.io", "leases"),
          call(OPERATOR_NS, "patch", "coordination.k8s.io", "leases"),
          new String[] {
            "",
            "get",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            "trainingruns.emergent.dev"
          },
          new String[] {
            "",
            "get",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            "scalingstudies.emergent.dev"
          });

  /** What it must never be able to do, wherever it runs. */
  private static List<String[]> forbiddenCalls(String namespace) {
    return List.of(
        call(namespace, "get", "", "secrets"),
        call(namespace, "list", "", "secrets"),
        call(namespace, "delete", "", "secrets"),
        call(namespace, "create", "", "configmaps"),
        call(namespace, "update", "emergent.dev", "trainingruns"),
        call(namespace, "create", "", "pods"),
        call(namespace, "delete", "", "pods"),
        call(namespace, "update", "", "resourcequotas"),
        call(namespace, "create", "rbac.authorization.k8s.io", "rolebindings"),
        call(OPERATOR_NS, "delete", "coordination.k8s.io", "leases"),
        call("", "delete", "", "nodes"),
        call("", "list", "apiextensions.k8s.io", "customresourcedefinitions"),
        new String[] {
          "", "get", "apiextensions.k8s.io", "customresourcedefinitions", "jobs.batch"
        });
  }

  private static String[] call(String namespace, String verb, String group, String resource) {
    return new String[] {namespace, verb, group, resource, null};
  }

  private static boolean allowed(String serviceAccount, String[] call) {
    String[] resource = call[3].split("/");
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("system:serviceaccount:" + OPERATOR_NS + ":" + serviceAccount)
            .withNewResourceAttributes()
            .withNamespace(call[0].isEmpty() ? null : call[0])
            .withVerb(call[1])
            .withGroup(call[2])
            .withResource(resource[0])
            .withSubresource(resource.length > 1 ? resource[1] : null)
            .withName(call[4])
            .endResourceAttributes()
            .endSpec()
            .build();
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  private static String describe(String[] call) {
    return String.join(" ", call[1], call[2] + "/" + call[3], call[4] == null ? "" : call[4])
        + (call[0].isEmpty() ? " (cluster)" : " in " + call[0]);
  }

  @Test
  void theReleaseHasItsDeploymentAccountAndRoles() {
    assertThat(client.apps().deployments().inNamespace(OPERATOR_NS).withName(NAMESPACED).get())
        .isNotNull();
    assertThat(client.serviceAccounts().inNamespace(OPERATOR_NS).withName(NAMESPACED).get())
        .isNotNull();
    assertThat(client.rbac().roles().inNamespace(TEAM_NS).withName(NAMESPACED).get()).isNotNull();
    assertThat(client.rbac().roleBindings().inNamespace(TEAM_NS).withName(NAMESPACED).get())
        .isNotNull();
    assertThat(client.rbac().roles().inNamespace(OTHER_NS).withName(NAMESPACED).get()).isNull();
    assertThat(client.rbac().clusterRoles().withName(NAMESPACED).get()).isNull();
    assertThat(client.rbac().clusterRoles().withName(CLUSTER_WIDE).get()).isNotNull();
  }

  @Test
  void inNamespacedModeTheAccountMayDoWhatTheOperatorDoesInItsNamespacesOnly() {
    assertThat(operatorCalls(TEAM_NS))
        .allSatisfy(c -> assertThat(allowed(NAMESPACED, c)).as(describe(c)).isTrue());
    assertThat(OWN_CALLS)
        .allSatisfy(c -> assertThat(allowed(NAMESPACED, c)).as(describe(c)).isTrue());
    assertThat(forbiddenCalls(TEAM_NS))
        .allSatisfy(c -> assertThat(allowed(NAMESPACED, c)).as(describe(c)).isFalse());
    assertThat(operatorCalls(OTHER_NS))
        .allSatisfy(c -> assertThat(allowed(NAMESPACED, c)).as(describe(c)).isFalse());
  }

  @Test
  void inClusterModeTheAccountMayDoWhatTheOperatorDoesEverywhereAndNoMore() {
    assertThat(OWN_CALLS)
        .allSatisfy(c -> assertThat(allowed(CLUSTER_WIDE, c)).as(describe(c)).isTrue());
    for (String namespace : List.of(TEAM_NS, OTHER_NS)) {
      assertThat(operatorCalls(namespace))
          .allSatisfy(c -> assertThat(allowed(CLUSTER_WIDE, c)).as(describe(c)).isTrue());
      assertThat(forbiddenCalls(namespace))
          .allSatisfy(c -> assertThat(allowed(CLUSTER_WIDE, c)).as(describe(c)).isFalse());
    }
  }

  @Test
  void theOperatorRunsAChainWithNothingButItsAccountsRights() throws Exception {
    Path tokenConfig = Path.of("target", "kubeconfig-" + NAMESPACED);
    Files.writeString(tokenConfig, kubeconfigWithToken(NAMESPACED));
    SimulatedKubelet kubelet = new SimulatedKubelet(client, TEAM_NS);
    try (OperatorProcess operator =
        new OperatorProcess(
            Path.of("target", "operator-" + NAMESPACED + ".log"),
            Map.of(
                "KUBECONFIG",
                tokenConfig.toAbsolutePath().toString(),
                "EMERGENT_OPERATOR_LEASE_NAMESPACE",
                OPERATOR_NS,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS_TRAININGRUN_NAMESPACES",
                TEAM_NS,
                "QUARKUS_OPERATOR_SDK_CONTROLLERS_SCALINGSTUDY_NAMESPACES",
                TEAM_NS,
                "EMERGENT_OPERATOR_PROGRESS_PORT",
                "1",
                "EMERGENT_OPERATOR_RESTART_BACKOFF",
                "200ms"))) {
      operator.start();
      create(TEAM_NS, "team-run");
      create(OTHER_NS, "unwatched-run");

      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> phase(TEAM_NS, "team-run") == RunPhase.Succeeded);

      assertThat(phase(OTHER_NS, "unwatched-run")).as("a namespace it does not watch").isNull();
      assertThat(operator.log()).doesNotContain("Forbidden").doesNotContain("forbidden");
    } finally {
      kubelet.close();
    }
  }

  /** The admin kubeconfig's server and CA, with a token of the release's ServiceAccount. */
  private static String kubeconfigWithToken(String serviceAccount) throws Exception {
    String token =
        client
            .serviceAccounts()
            .inNamespace(OPERATOR_NS)
            .withName(serviceAccount)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = client.getConfiguration();
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
        - name: operator
          user: {token: "%s"}
        contexts:
        - name: operator
          context: {cluster: e2e, user: operator}
        current-context: operator
        """
        .formatted(admin.getMasterUrl(), ca, token);
  }

  private static void create(String namespace, String name) {
    client
        .resource(TrainingRunFiles.parse(TrainingRunScenarios.fourStages(name, namespace, "")))
        .create();
  }

  private static RunPhase phase(String namespace, String name) {
    TrainingRun run =
        client.resources(TrainingRun.class).inNamespace(namespace).withName(name).get();
    return run == null || run.getStatus() == null ? null : run.getStatus().phase;
  }
}
