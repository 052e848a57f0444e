package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidSpecTest {

  static List<InvalidSpecs.Case> cases() {
    return InvalidSpecs.all();
  }

  @Test
  void theTableCoversAtLeast25Rules() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
  }

  @Test
  void theBaseSpecIsValid() {
    assertThat(SpecValidator.validate(Specs.fourStages())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void thePlannerRefusesWithExactlyOneMessage(InvalidSpecs.Case invalid) {
    assertThatThrownBy(() -> Planner.plan(invalid.run()))
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSpecException) e).violations())
                    .extracting(Violation::toString)
                    .containsExactly(invalid.plannerMessage()))
        .hasMessage("invalid TrainingRun:\n" + invalid.plannerMessage());
  }

  @Test
  void everyBrokenRuleIsReportedAtOnce() {
    var run = Specs.fourStages();
    run.getSpec().model.layers = 0;
    run.getSpec().stages.get(0).steps = 0;

    assertThatThrownBy(() -> Planner.plan(run))
        .hasMessage(
            "invalid TrainingRun:\n"
                + "spec.model.layers: must be between 1 and 256, got 0\n"
                + "spec.stages[0].steps: must be between 1 and 100000000, got 0");
  }
}
