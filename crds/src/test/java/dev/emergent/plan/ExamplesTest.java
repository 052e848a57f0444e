package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in examples/ parses; every TrainingRun in it also plans. Objects that are not
 * TrainingRuns live in platform/ (what a cluster team creates) and argocd/.
 */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  static List<Path> allFiles() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static final List<Path> OTHER_OBJECTS =
      List.of(EXAMPLES.resolve("platform"), EXAMPLES.resolve("argocd"));

  static List<Path> trainingRunFiles() throws IOException {
    return allFiles().stream()
        .filter(f -> OTHER_OBJECTS.stream().noneMatch(f::startsWith))
        .filter(f -> !isStudy(f))
        .toList();
  }

  static List<Path> studyFiles() throws IOException {
    return allFiles().stream().filter(ExamplesTest::isStudy).toList();
  }

  private static boolean isStudy(Path file) {
    try {
      return TrainingRunFiles.kind(file).equals("ScalingStudy");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> otherFiles() throws IOException {
    return allFiles().stream().filter(f -> OTHER_OBJECTS.stream().anyMatch(f::startsWith)).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trainingRunFiles")
  void everyTrainingRunPlans(Path file) throws IOException {
    RunPlan plan = Planner.plan(TrainingRunFiles.read(file));

    assertThat(plan.stages()).isNotEmpty();
    assertThat(plan.stages()).allSatisfy(s -> assertThat(s.ranks()).hasSize(s.worldSize()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("studyFiles")
  void everyScalingStudyPlansAndPassesAdmission(Path file) throws IOException {
    StudyPlan plan = StudyPlanner.plan(TrainingRunFiles.readStudy(file));

    assertThat(plan.ladder()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(plan.runs())
        .allSatisfy(r -> assertThat(Planner.plan(r.run()).stages()).isNotEmpty());
    assertThat(
            new CrdAdmission(CrdAdmission.STUDY_CRD)
                .check(new YAMLMapper().readTree(file.toFile())))
        .isEmpty();
    assertThat(studyFiles()).contains(EXAMPLES.resolve("scaling-study.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherFiles")
  void everyOtherObjectIsWellFormed(Path file) throws IOException {
    try (MappingIterator<JsonNode> documents =
        new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
      List<JsonNode> objects = documents.readAll();
      assertThat(objects)
          .isNotEmpty()
          .allSatisfy(
              o -> {
                assertThat(o.path("apiVersion").asText()).isNotBlank();
                assertThat(o.path("kind").asText()).isNotBlank();
                assertThat(o.at("/metadata/name").asText()).isNotBlank();
              });
    }
  }
}
