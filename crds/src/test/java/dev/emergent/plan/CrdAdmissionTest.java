package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD refuses at admission what the table says it refuses, with the CEL message the table
 * names.
 */
class CrdAdmissionTest {
  private static CrdAdmission admission;

  @BeforeAll
  static void loadCrd() throws IOException {
    admission = new CrdAdmission();
  }

  static List<InvalidSpecs.Case> cases() {
    return InvalidSpecs.all();
  }

  static List<Path> examples() throws IOException {
    return ExamplesTest.trainingRunFiles();
  }

  @Test
  void acceptsTheBaseSpec() {
    assertThat(admission.check(Specs.fourStages())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void acceptsEveryExample(Path example) throws IOException {
    assertThat(admission.check(TrainingRunFiles.read(example))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWhatTheTableSaysItRefuses(InvalidSpecs.Case invalid) {
    List<CrdAdmission.Refusal> refusals = admission.check(invalid.run());

    switch (invalid.admission()) {
      case CEL ->
          assertThat(refusals)
              .filteredOn(CrdAdmission.Refusal::fromCel)
              .extracting(CrdAdmission.Refusal::message)
              .contains(invalid.celMessage());
      case SCHEMA -> assertThat(refusals).isNotEmpty().noneMatch(CrdAdmission.Refusal::fromCel);
    }
  }
}
