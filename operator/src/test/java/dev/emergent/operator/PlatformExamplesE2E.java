package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every object in examples/platform/ (what a cluster team creates: quotas, Kueue's queues, flavor
 * and priority class) applies to a real API server, in a namespace standing in for team-a; the
 * Kueue kinds against the suite's minimal Kueue CRDs.
 */
class PlatformExamplesE2E {
  private static final String TEAM = "team-" + UUID.randomUUID().toString().substring(0, 8);
  private static KubernetesClient client;

  @BeforeAll
  static void prepare() throws IOException {
    client = E2ECluster.connectForSimulatedPods();
    E2ECluster.prepare(client, TEAM);
  }

  @AfterAll
  static void cleanUp() {
    if (client != null) {
      E2ECluster.delete(client, TEAM);
      client.close();
    }
  }

  @Test
  void everyPlatformExampleApplies() throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(Path.of("..", "examples", "platform"))) {
      files = listed.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      String yaml = Files.readString(file).replace("namespace: team-a", "namespace: " + TEAM);
      List<HasMetadata> objects;
      try (InputStream in = new java.io.ByteArrayInputStream(yaml.getBytes())) {
        objects = client.load(in).items();
      }
      assertThat(objects).as(file.toString()).isNotEmpty();
      for (HasMetadata object : objects) {
        // A CRD the suite just registered is served once it is established.
        HasMetadata applied =
            await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                    () ->
                        client
                            .resource(object)
                            .fieldManager(E2ECluster.FIELD_MANAGER)
                            .forceConflicts()
                            .serverSideApply(),
                    o -> o != null);
        assertThat(applied.getMetadata().getUid()).as(file + ": " + object.getKind()).isNotNull();
      }
    }
  }
}
