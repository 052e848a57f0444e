package dev.emergent.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartTest {
  private static final List<String> CRDS =
      List.of("trainingruns.emergent.dev-v1.yml", "scalingstudies.emergent.dev-v1.yml");

  @Test
  void theChartsCrdsAreTheCommittedOnesByteForByte() throws Exception {
    for (String crd : CRDS) {
      assertThat(Files.mismatch(Chart.DIR.resolve("crds").resolve(crd), Path.of("..", "crds", crd)))
          .as("helm/emergent-operator/crds/%s differs from crds/%s: copy it over", crd, crd)
          .isEqualTo(-1L);
    }
  }

  @Test
  void lintFindsNothing() {
    LintResult lint = new Helm(Chart.DIR).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void byDefaultTheOperatorWatchesEveryNamespaceThroughAClusterRole() {
    Chart chart = Chart.render(Map.of());

    assertThat(chart.ofKind("ClusterRole"))
        .extracting(r -> r.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("emergent-operator", "emergent-operator-cluster-reader");
    assertThat(chart.ofKind("Role"))
        .extracting(r -> r.at("/metadata/name").asText())
        .containsExactly("emergent-operator-leader-election");
    JsonNode binding = chart.one("ClusterRoleBinding", "emergent-operator");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("emergent-operator");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    assertThat(chart.operatorEnv())
        .doesNotContainKey("QUARKUS_OPERATOR_SDK_CONTROLLERS_TRAININGRUN_NAMESPACES")
        .doesNotContainKey("QUARKUS_OPERATOR_SDK_CONTROLLERS_SCALINGSTUDY_NAMESPACES")
        .containsEntry("EMERGENT_OPERATOR_LEASE_NAMESPACE", "<from>")
        .containsEntry("EMERGENT_OPERATOR_TRAINER_IMAGE", "ghcr.io/emergent-dev/trainer:0.1.0")
        .containsEntry("EMERGENT_OPERATOR_ALLOWED_IMAGES", "ghcr.io/emergent-dev/trainer:0.1.0")
        .containsEntry("EMERGENT_OPERATOR_NATIVE_CRYPTO", "true");
  }

  @Test
  void withWatchNamespacesEachGetsARoleAndTheOperatorWatchesOnlyThose() {
    Chart chart =
        Chart.render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));
    JsonNode clusterRules =
        Chart.render(Map.of()).one("ClusterRole", "emergent-operator").path("rules");

    assertThat(chart.ofKind("ClusterRole"))
        .extracting(r -> r.at("/metadata/name").asText())
        .containsExactly("emergent-operator-cluster-reader");
    for (String namespace : List.of("team-a", "team-b")) {
      JsonNode role =
          chart.ofKind("Role").stream()
              .filter(r -> r.at("/metadata/namespace").asText().equals(namespace))
              .findFirst()
              .orElseThrow();
      assertThat(role.path("rules")).isEqualTo(clusterRules);
      assertThat(
              chart.ofKind("RoleBinding").stream()
                  .filter(b -> b.at("/metadata/namespace").asText().equals(namespace)))
          .singleElement()
          .satisfies(
              b -> assertThat(b.at("/roleRef/name").asText()).isEqualTo("emergent-operator"));
    }
    assertThat(chart.operatorEnv())
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_TRAININGRUN_NAMESPACES", "team-a,team-b")
        .containsEntry("QUARKUS_OPERATOR_SDK_CONTROLLERS_SCALINGSTUDY_NAMESPACES", "team-a,team-b");
  }

  @Test
  void rbacNamesEveryVerbAndResourceAndNeverReadsSecrets() {
    Chart chart = Chart.render(Map.of());
    List<JsonNode> rules = new ArrayList<>();
    chart.ofKind("ClusterRole").forEach(r -> r.path("rules").forEach(rules::add));
    chart.ofKind("Role").forEach(r -> r.path("rules").forEach(rules::add));

    assertThat(rules)
        .allSatisfy(
            rule -> {
              assertThat(texts(rule.path("verbs"))).doesNotContain("*");
              assertThat(texts(rule.path("resources"))).doesNotContain("*");
              assertThat(texts(rule.path("apiGroups"))).doesNotContain("*");
            });
    assertThat(rules)
        .filteredOn(rule -> texts(rule.path("resources")).contains("secrets"))
        .singleElement()
        .satisfies(rule -> assertThat(texts(rule.path("verbs"))).containsExactly("create"));
    assertThat(rules)
        .filteredOn(rule -> texts(rule.path("resources")).contains("customresourcedefinitions"))
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(texts(rule.path("verbs"))).containsExactly("get");
              assertThat(texts(rule.path("resourceNames")))
                  .containsExactly("trainingruns.emergent.dev", "scalingstudies.emergent.dev");
            });
  }

  @Test
  void theOperatorRunsRestrictedWithHealthProbes() {
    JsonNode pod =
        Chart.render(Map.of()).one("Deployment", Chart.RELEASE).at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/image").asText()).isEqualTo("ghcr.io/emergent-dev/operator:0.1.0");
    assertThat(pod.at("/serviceAccountName").asText()).isEqualTo("emergent-operator");
  }

  @Test
  void placementPullSecretsAllowedImagesAndAServiceMonitorComeFromValues() {
    Chart chart =
        Chart.render(
            t ->
                t.set("imagePullSecrets[0].name", "registry")
                    .set("nodeSelector.pool", "system")
                    .set("tolerations[0].key", "dedicated")
                    .set("tolerations[0].operator", "Exists")
                    .set("priorityClassName", "system-cluster-critical")
                    .set("trainer.allowedImages[0]", "registry.example.com/ml/*")
                    .set("metrics.serviceMonitor.enabled", true)
                    .set("operator.nativeCrypto", false));
    JsonNode pod = chart.one("Deployment", Chart.RELEASE).at("/spec/template/spec");

    assertThat(pod.at("/imagePullSecrets/0/name").asText()).isEqualTo("registry");
    assertThat(pod.at("/nodeSelector/pool").asText()).isEqualTo("system");
    assertThat(pod.at("/tolerations/0/key").asText()).isEqualTo("dedicated");
    assertThat(pod.at("/priorityClassName").asText()).isEqualTo("system-cluster-critical");
    assertThat(chart.operatorEnv())
        .containsEntry(
            "EMERGENT_OPERATOR_ALLOWED_IMAGES",
            "registry.example.com/ml/*,ghcr.io/emergent-dev/trainer:0.1.0")
        .containsEntry("EMERGENT_OPERATOR_NATIVE_CRYPTO", "false");
    assertThat(chart.one("ServiceMonitor", Chart.RELEASE).at("/spec/endpoints/0/path").asText())
        .isEqualTo("/q/metrics");
    assertThat(Chart.render(Map.of()).ofKind("ServiceMonitor")).isEmpty();
  }

  @Test
  void theSchemaRefusesBadValues() {
    assertThatThrownBy(() -> Chart.render(Map.of("replicaCount", 0)))
        .hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> Chart.render(Map.of("watchNamespaces[0]", "Team_A")))
        .hasMessageContaining("watchNamespaces");
    assertThatThrownBy(() -> Chart.render(Map.of("operator.restartBackoff", "soon")))
        .hasMessageContaining("restartBackoff");
    assertThatThrownBy(() -> Chart.render(Map.of("trainerImage", "x")))
        .hasMessageContaining("trainerImage");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
