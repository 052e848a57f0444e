package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD, the examples and the invalid-spec table against the real API server of the
 * cluster in KUBECONFIG, through {@code kubectl apply --server-side} (examples and specs with
 * {@code --dry-run=server}, so nothing is created). Run with {@code ./mvnw verify -Pe2e}.
 */
class CrdAdmissionE2E {
  @TempDir static Path work;

  @BeforeAll
  static void installCrd() throws Exception {
    Result installed = kubectl("apply", "--server-side", "-f", CrdAdmission.CRD.toString());
    assertThat(installed.exitCode()).as(installed.output()).isZero();
    Result established =
        kubectl(
            "wait",
            "--for=condition=Established",
            "--timeout=60s",
            "crd/trainingruns.emergent.dev");
    assertThat(established.exitCode()).as(established.output()).isZero();
  }

  static List<Path> examples() throws IOException {
    return ExamplesTest.trainingRunFiles();
  }

  static List<InvalidSpecs.Case> cases() {
    return InvalidSpecs.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAdmitted(Path example) throws Exception {
    Result result = dryRun(example);
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theApiServerRefusesWhatTheTableSays(InvalidSpecs.Case invalid) throws Exception {
    Path file = Files.createTempFile(work, "case", ".yaml");
    new YAMLMapper().writeValue(file.toFile(), invalid.run());

    Result result = dryRun(file);

    switch (invalid.admission()) {
      case CEL -> {
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(invalid.celMessage());
      }
      case SCHEMA -> assertThat(result.exitCode()).as(result.output()).isNotZero();
      case PLANNER_ONLY -> assertThat(result.exitCode()).as(result.output()).isZero();
    }
  }

  @Test
  void unknownFieldsAreRefused() throws Exception {
    Path file = Files.createTempFile(work, "unknown", ".yaml");
    Files.writeString(file, Specs.FOUR_STAGES.replace("steps: 100", "steps: 100, stepz: 1"));

    Result result = dryRun(file);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("stepz");
  }

  private static Result dryRun(Path file) throws Exception {
    return kubectl(
        "apply", "--server-side", "--dry-run=server", "--namespace=default", "-f", file.toString());
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
