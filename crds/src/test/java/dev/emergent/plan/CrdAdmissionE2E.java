package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD, the examples and the invalid-spec table against the real API server of the
 * cluster in KUBECONFIG, through {@code kubectl apply --server-side} (examples and specs with
 * {@code --dry-run=server}, so nothing is created). Installing the CRD proves that its CEL rules
 * fit the API server's cost budget, which no offline evaluator can tell. Re-runnable on the same
 * server: the CRD is applied with forced ownership, and each example is checked in a namespace of
 * its own, deleted afterwards. Run with {@code ./mvnw verify -Pe2e}.
 */
class CrdAdmissionE2E {
  private static final String SUITE = "crd-e2e-" + UUID.randomUUID().toString().substring(0, 8);
  private static final List<String> createdNamespaces = new ArrayList<>();

  @TempDir static Path work;

  @BeforeAll
  static void installCrds() throws Exception {
    for (Path crd : List.of(CrdAdmission.CRD, CrdAdmission.STUDY_CRD)) {
      Result installed =
          kubectl(
              "apply",
              "--server-side",
              "--force-conflicts",
              "--field-manager=emergent-e2e",
              "-f",
              crd.toString());
      assertThat(installed.exitCode()).as(installed.output()).isZero();
    }
    Result established =
        kubectl(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/trainingruns.emergent.dev",
            "crd/scalingstudies.emergent.dev");
    assertThat(established.exitCode()).as(established.output()).isZero();
    createNamespace(SUITE);
  }

  @AfterAll
  static void deleteNamespaces() throws Exception {
    for (String namespace : createdNamespaces) {
      kubectl("delete", "namespace", namespace, "--wait=false", "--ignore-not-found");
    }
  }

  static List<Path> examples() throws IOException {
    List<Path> examples = new ArrayList<>(ExamplesTest.trainingRunFiles());
    examples.addAll(ExamplesTest.studyFiles());
    return examples;
  }

  static List<InvalidSpecs.Case> cases() {
    return InvalidSpecs.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAdmittedInItsOwnNamespace(Path example) throws Exception {
    String namespace = SUITE + "-" + createdNamespaces.size();
    createNamespace(namespace);
    // A namespace the file names (team-a) may be left Terminating by an earlier run on a control
    // plane without a namespace controller; the object is the same in a fresh one.
    ObjectNode run = (ObjectNode) new YAMLMapper().readTree(example.toFile());
    ((ObjectNode) run.get("metadata")).put("namespace", namespace);
    Path file = Files.createTempFile(work, "example", ".yaml");
    new YAMLMapper().writeValue(file.toFile(), run);

    Result result = dryRun(file, namespace);

    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theApiServerRefusesWhatTheTableSays(InvalidSpecs.Case invalid) throws Exception {
    Path file = Files.createTempFile(work, "case", ".yaml");
    new YAMLMapper().writeValue(file.toFile(), invalid.run());

    Result result = dryRun(file, SUITE);

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    if (invalid.admission() == InvalidSpecs.Admission.CEL) {
      assertThat(result.output()).contains(invalid.celMessage());
    }
  }

  @Test
  void aStudysLadderCannotChangeOnceItIsCreated() throws Exception {
    Path file = Files.createTempFile(work, "study", ".yaml");
    ObjectNode study =
        (ObjectNode) new YAMLMapper().readTree(ExamplesTest.studyFiles().get(0).toFile());
    ((ObjectNode) study.get("metadata")).put("namespace", SUITE);
    new YAMLMapper().writeValue(file.toFile(), study);
    Result created = kubectl("create", "-f", file.toString());
    assertThat(created.exitCode()).as(created.output()).isZero();
    ((ObjectNode) study.at("/spec/ladder")).putArray("tokens").add(1024).add(2048).add(4096);
    new YAMLMapper().writeValue(file.toFile(), study);

    Result changed = kubectl("replace", "-f", file.toString());

    assertThat(changed.exitCode()).isNotZero();
    assertThat(changed.output()).contains("spec.ladder").contains("is immutable");
  }

  @Test
  void unknownFieldsAreRefused() throws Exception {
    Path file = Files.createTempFile(work, "unknown", ".yaml");
    Files.writeString(file, Specs.FOUR_STAGES.replace("steps: 100", "steps: 100, stepz: 1"));

    Result result = dryRun(file, SUITE);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("stepz");
  }

  private static void createNamespace(String namespace) throws Exception {
    Result created = kubectl("create", "namespace", namespace);
    assertThat(created.exitCode()).as(created.output()).isZero();
    createdNamespaces.add(namespace);
  }

  private static Result dryRun(Path file, String namespace) throws Exception {
    return kubectl(
        "apply",
        "--server-side",
        "--dry-run=server",
        "--namespace=" + namespace,
        "-f",
        file.toString());
  }

  record Result(int exitCode, String output) {}

  private static Result kubectl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl timed out: " + command);
    }
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
