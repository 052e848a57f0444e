package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingRunFilesTest {

  @Test
  void readsTheFieldsOfTheSpec() {
    var run = TrainingRunFiles.parse(Specs.FOUR_STAGES);

    assertThat(run.getMetadata().getName()).isEqualTo("demo");
    assertThat(run.getSpec().stages).hasSize(4);
    assertThat(run.getSpec().stages.get(3).rewardFrom).isEqualTo("reward");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown field       | steps: 100 | stepz: 100 | spec.stages[0].stepz: unknown field (line 9, column 77)
          a word for a number | layers: 2  | layers: two | spec.model.layers: must be an integer (line 5, column 19)
          a fraction for an integer | layers: 2 | layers: 2.5 | spec.model.layers: must be an integer (line 5, column 19)
          a quoted number     | layers: 2  | layers: "2" | spec.model.layers: must be an integer (line 5, column 19)
          an unknown type     | type: Pretrain | type: Pretraining | spec.stages[0].type: must be one of Pretrain, SFT, RewardModel, PPO, got "Pretraining" (line 9, column 28)
          an unknown builtin  | {builtin: arithmetic}, steps: 100 | {builtin: poetry}, steps: 100 | spec.stages[0].data.builtin: must be one of arithmetic, got "poetry" (line 9, column 54)
          a wrong apiVersion  | emergent.dev/v1alpha1 | emergent.dev/v1 | apiVersion: must be emergent.dev/v1alpha1, got "emergent.dev/v1"
          a wrong kind        | kind: TrainingRun | kind: TrainingJob | kind: must be TrainingRun, got "TrainingJob"
          a list for a map    | model: {layers: 2, dModel: 64, heads: 4, contextLength: 32} | model: [2, 64, 4, 32] | spec.model: must be an object (line 5, column 10)
          malformed YAML      | model: {layers: 2 | model: {layers: [2 | (yaml): expected ',' or ']', but got } while parsing a flow sequence (line 5, column 63)
          """)
  void refusesMalformedFilesNamingTheField(
      String description, String valid, String broken, String message) {
    String yaml = Specs.FOUR_STAGES.replaceFirst(java.util.regex.Pattern.quote(valid), broken);
    assertThat(yaml).isNotEqualTo(Specs.FOUR_STAGES);

    assertThatThrownBy(() -> TrainingRunFiles.parse(yaml))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("invalid TrainingRun:\n" + message);
  }

  @Test
  void refusesAnEmptyFile() {
    assertThatThrownBy(() -> TrainingRunFiles.parse("\n# nothing\n"))
        .hasMessage("invalid TrainingRun:\n(file): is empty");
  }
}
