package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.emergent.api.v1alpha1.ScalingStudy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class StudyPlannerTest {
  private static final String STUDY =
      """
      apiVersion: emergent.dev/v1alpha1
      kind: ScalingStudy
      metadata: {name: small, namespace: research}
      spec:
        template:
          model: {contextLength: 16}
          mesh: {axes: [{name: data, size: 1}], device: cpu}
          seed: 7
          stages:
          - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, batchSize: 8}
          - {name: sft, type: SFT, from: pretrain, data: {builtin: arithmetic}, steps: 10}
        ladder:
          models:
          - {layers: 1, dModel: 16, heads: 2}
          - {layers: 2, dModel: 32, heads: 4}
          tokens: [1000, 2048, 4096]
        predict:
        - {layers: 3, dModel: 48, heads: 4, tokens: 8192}
      """;

  private static StudyPlan plan(UnaryOperator<String> edit) {
    return StudyPlanner.plan(TrainingRunFiles.parseStudy(edit.apply(STUDY)));
  }

  @Test
  void everyRungTrainsTheTemplateAtItsSizeForItsTokensRoundedToWholeSteps() {
    StudyPlan plan = plan(s -> s);

    assertThat(plan.runs())
        .extracting(StudyPlan.Run::name)
        .containsExactly(
            "small-r0", "small-r1", "small-r2", "small-r3", "small-r4", "small-r5", "small-p0");
    StudyPlan.Run first = plan.runs().get(0);
    assertThat(first.tokens()).isEqualTo(1024);
    assertThat(Planner.plan(first.run()).stage("pretrain").orElseThrow().config().steps())
        .isEqualTo(8);
    StudyPlan.Run big = plan.run("small-r5").orElseThrow();
    assertThat(big.run().getSpec().model.layers).isEqualTo(2);
    assertThat(big.run().getSpec().model.dModel).isEqualTo(32);
    assertThat(big.run().getSpec().stages.get(1).steps).isEqualTo(10);
    assertThat(big.run().getMetadata().getNamespace()).isEqualTo("research");
    assertThat(big.run().getMetadata().getLabels())
        .containsEntry(StudyPlanner.STUDY_LABEL, "small")
        .containsEntry(StudyPlanner.ROLE_LABEL, "Ladder");
    assertThat(plan.seed()).isEqualTo(7);
    assertThat(plan.maxParallelRuns()).isEqualTo(StudyPlanner.DEFAULT_MAX_PARALLEL_RUNS);
    assertThat(plan.computeBudget()).isEqualTo(plan.predictions().get(0).flops());
  }

  @Test
  void theTemplateIsNotChangedByPlanning() {
    ScalingStudy study = TrainingRunFiles.parseStudy(STUDY);

    StudyPlanner.plan(study);

    assertThat(study.getSpec().template.model.layers).isNull();
    assertThat(study.getSpec().template.stages.get(0).steps).isNull();
  }

  @Test
  void aLadderOfFewerRunsThanTheLawHasParametersIsRefused() {
    assertThatThrownBy(
            () -> plan(s -> s.replace("tokens: [1000, 2048, 4096]", "tokens: [1000, 2048]")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining(
            "spec.ladder: 2 models × 2 token budgets = 4 runs; fitting the 5 parameters of"
                + " L(N, D) = E + A/N^alpha + B/D^beta needs at least 5");
  }

  @Test
  void whatTheLadderSetsMustNotBeInTheTemplate() {
    assertThatThrownBy(
            () ->
                plan(
                    s ->
                        s.replace("contextLength: 16}", "contextLength: 16, layers: 2}")
                            .replace("batchSize: 8}", "batchSize: 8, steps: 5}")))
        .hasMessageContaining(
            "spec.template.model.layers: is set by each model of spec.ladder.models")
        .hasMessageContaining(
            "spec.template.stages[0].steps: is set by each token budget (spec.ladder.tokens,"
                + " spec.predict[].tokens)");
  }

  @Test
  void theTemplateNeedsExactlyOnePretrainStage() {
    assertThatThrownBy(() -> plan(s -> s.replace("type: SFT, from: pretrain", "type: Pretrain")))
        .hasMessageContaining(
            "spec.template.stages: needs exactly one Pretrain stage (the law is fitted to its"
                + " final evalLoss), got 2");
  }

  @Test
  void aChildRunsViolationIsReportedAtTheStudyFieldThatCausedIt() {
    assertThatThrownBy(
            () ->
                plan(
                    s ->
                        s.replace(
                                "{layers: 2, dModel: 32, heads: 4}",
                                "{layers: 2, dModel: 30, heads: 4}")
                            .replace(", steps: 10}", "}")))
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSpecException) e).violations())
                    .extracting(Violation::field)
                    .contains("spec.ladder.models[1].dModel", "spec.template.stages[1].steps")
                    .doesNotHaveDuplicates());
  }

  @Test
  void theCrdRefusesWhatThePlannerRefusesWhereCelCanSeeIt() throws Exception {
    CrdAdmission admission = new CrdAdmission(CrdAdmission.STUDY_CRD);
    Map<String, UnaryOperator<String>> edits =
        Map.of(
            "spec.ladder", s -> s.replace("tokens: [1000, 2048, 4096]", "tokens: [1000, 2048]"),
            "spec.template.model",
                s -> s.replace("contextLength: 16}", "contextLength: 16, heads: 2}"),
            "spec.template.stages", s -> s.replace("type: SFT, from: pretrain", "type: Pretrain"),
            "spec.ladder.models[0].dModel",
                s ->
                    s.replace(
                        "{layers: 1, dModel: 16, heads: 2}", "{layers: 1, dModel: 18, heads: 4}"));

    assertThat(admission.check(new YAMLMapper().readTree(STUDY))).isEmpty();
    edits.forEach(
        (field, edit) -> {
          try {
            assertThat(admission.check(new YAMLMapper().readTree(edit.apply(STUDY))))
                .extracting(CrdAdmission.Refusal::field)
                .as(field)
                .contains(field);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Test
  void aStudyNameLeavesRoomForTheRunSuffix() {
    String name = "s".repeat(StudyPlanner.MAX_NAME + 1);

    assertThatThrownBy(() -> plan(s -> s.replace("name: small,", "name: " + name + ",")))
        .hasMessageContaining("metadata.name");
  }
}
