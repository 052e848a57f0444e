package dev.emergent.plan;

import dev.emergent.api.v1alpha1.Limits;
import dev.emergent.api.v1alpha1.ModelSizeSpec;
import dev.emergent.api.v1alpha1.PredictSpec;
import dev.emergent.api.v1alpha1.ScalingStudy;
import dev.emergent.api.v1alpha1.ScalingStudySpec;
import dev.emergent.api.v1alpha1.StageSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunSpec;
import dev.emergent.study.ModelCompute;
import dev.emergent.study.ScalingLawFit;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a ScalingStudy into its child TrainingRuns: the template with each rung's model size and
 * the Pretrain stage's steps for its token budget. Every child is planned by {@link Planner}, and
 * what breaks a rule is reported at the study's field that caused it. Pure, like the planner.
 */
public final class StudyPlanner {
  public static final String STUDY_LABEL = "emergent.dev/study";
  public static final String ROLE_LABEL = "emergent.dev/study-role";
  public static final int DEFAULT_MAX_PARALLEL_RUNS = 2;

  /** Longest study name: a child's name adds "-r" or "-p" and an index below 1000. */
  public static final int MAX_NAME = Limits.MAX_NAME - 5;

  private static final Set<String> SIZE_FIELDS = Set.of("layers", "dModel", "heads");
  private static final Pattern CHILD_FIELD =
      Pattern.compile("^spec\\.(?:model\\.(layers|dModel|heads)|stages\\[(\\d+)\\]\\.steps)(.*)$");

  private StudyPlanner() {}

  /**
   * @throws InvalidSpecException listing every broken rule, at the study's fields
   */
  public static StudyPlan plan(ScalingStudy study) {
    FieldChecks checks = new FieldChecks();
    String name = study.getMetadata() == null ? null : study.getMetadata().getName();
    if (checks.required("metadata.name", name)) {
      checks.text("metadata.name", name, 1, MAX_NAME, Limits.DNS_LABEL, "a DNS label");
    }
    ScalingStudySpec spec = study.getSpec();
    if (!checks.required("spec", spec)) {
      throw new InvalidSpecException(checks.violations());
    }
    SchemaChecks.check(spec, "spec", checks, Set.of("template"));
    checks.required("spec.template", spec.template);
    if (!checks.isClean()) {
      throw new InvalidSpecException(checks.violations());
    }
    int pretrain = checkTemplate(spec.template, checks);
    checkLadder(spec, checks);
    if (!checks.isClean()) {
      throw new InvalidSpecException(checks.violations());
    }
    StageSpec stage = spec.template.stages.get(pretrain);
    long tokensPerStep =
        (long) Objects.requireNonNullElse(stage.batchSize, Defaults.BATCH_SIZE)
            * spec.template.model.contextLength;
    List<StudyPlan.Run> runs = new ArrayList<>();
    Set<Violation> violations = new LinkedHashSet<>(checks.violations());
    for (int m = 0; m < spec.ladder.models.size(); m++) {
      for (int t = 0; t < spec.ladder.tokens.size(); t++) {
        String rung = "spec.ladder.models[" + m + "]";
        String budget = "spec.ladder.tokens[" + t + "]";
        child(
                study,
                name + "-r" + runs.size(),
                StudyPlan.Role.Ladder,
                spec.ladder.models.get(m),
                spec.ladder.tokens.get(t),
                pretrain,
                tokensPerStep,
                rung,
                budget,
                violations)
            .ifPresent(runs::add);
      }
    }
    List<PredictSpec> predict = Objects.requireNonNullElse(spec.predict, List.of());
    for (int p = 0; p < predict.size(); p++) {
      String at = "spec.predict[" + p + "]";
      child(
              study,
              name + "-p" + p,
              StudyPlan.Role.Predict,
              predict.get(p),
              predict.get(p).tokens,
              pretrain,
              tokensPerStep,
              at,
              at + ".tokens",
              violations)
          .ifPresent(runs::add);
    }
    if (!violations.isEmpty()) {
      throw new InvalidSpecException(List.copyOf(violations));
    }
    List<StudyPlan.Run> predictions =
        runs.stream().filter(r -> r.role() == StudyPlan.Role.Predict).toList();
    double budget =
        spec.computeBudget != null
            ? spec.computeBudget
            : predictions.isEmpty()
                ? runs.stream().mapToDouble(StudyPlan.Run::flops).max().orElseThrow()
                : predictions.get(0).flops();
    return new StudyPlan(
        name,
        stage.name,
        Objects.requireNonNullElse(spec.template.seed, Defaults.SEED),
        Objects.requireNonNullElse(spec.maxParallelRuns, DEFAULT_MAX_PARALLEL_RUNS),
        budget,
        runs);
  }

  /** The index of the template's one Pretrain stage, or -1 with the violations recorded. */
  private static int checkTemplate(TrainingRunSpec template, FieldChecks checks) {
    if (template.model != null) {
      for (String field : SIZE_FIELDS) {
        if (sizeField(template, field) != null) {
          checks.fail("spec.template.model." + field, "is set by each model of spec.ladder.models");
        }
      }
    }
    if (template.stages == null) {
      return -1;
    }
    List<Integer> pretrain = new ArrayList<>();
    for (int i = 0; i < template.stages.size(); i++) {
      if (template.stages.get(i) != null && template.stages.get(i).type == StageType.Pretrain) {
        pretrain.add(i);
      }
    }
    if (pretrain.size() != 1) {
      checks.fail(
          "spec.template.stages",
          "needs exactly one Pretrain stage (the law is fitted to its final evalLoss), got "
              + pretrain.size());
      return -1;
    }
    if (template.stages.get(pretrain.get(0)).steps != null) {
      checks.fail(
          "spec.template.stages[" + pretrain.get(0) + "].steps",
          "is set by each token budget (spec.ladder.tokens, spec.predict[].tokens)");
    }
    return pretrain.get(0);
  }

  private static void checkLadder(ScalingStudySpec spec, FieldChecks checks) {
    int runs = spec.ladder.models.size() * spec.ladder.tokens.size();
    if (runs < ScalingLawFit.PARAMETERS) {
      checks.fail(
          "spec.ladder",
          spec.ladder.models.size()
              + " models × "
              + spec.ladder.tokens.size()
              + " token budgets = "
              + runs
              + " runs; fitting the "
              + ScalingLawFit.PARAMETERS
              + " parameters of L(N, D) = E + A/N^alpha + B/D^beta needs at least "
              + ScalingLawFit.PARAMETERS);
    }
    for (int t = 0; t < spec.ladder.tokens.size(); t++) {
      checks.range(
          "spec.ladder.tokens[" + t + "]", spec.ladder.tokens.get(t), 1, Limits.MAX_STUDY_TOKENS);
    }
  }

  private static Optional<StudyPlan.Run> child(
      ScalingStudy study,
      String name,
      StudyPlan.Role role,
      ModelSizeSpec size,
      Long tokens,
      int pretrain,
      long tokensPerStep,
      String sizeAt,
      String tokensAt,
      Set<Violation> violations) {
    long steps = Math.max(1, Math.round((double) tokens / tokensPerStep));
    if (steps > Limits.MAX_STEPS) {
      violations.add(
          new Violation(
              tokensAt,
              "is more than " + Limits.MAX_STEPS + " steps of " + tokensPerStep + " tokens"));
      return Optional.empty();
    }
    TrainingRun run = new TrainingRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(study.getMetadata().getNamespace())
            .withLabels(Map.of(STUDY_LABEL, study.getMetadata().getName(), ROLE_LABEL, role.name()))
            .build());
    TrainingRunSpec spec =
        TrainingRunFiles.JSON.convertValue(study.getSpec().template, TrainingRunSpec.class);
    spec.model.layers = size.layers;
    spec.model.dModel = size.dModel;
    spec.model.heads = size.heads;
    spec.stages.get(pretrain).steps = (int) steps;
    run.setSpec(spec);
    try {
      Planner.plan(run);
    } catch (InvalidSpecException e) {
      e.violations().forEach(v -> violations.add(atStudy(v, name, sizeAt, tokensAt, pretrain)));
      return Optional.empty();
    }
    int ffn =
        spec.model.ffn != null
            ? spec.model.ffn
            : Objects.requireNonNullElse(spec.model.ffnMultiplier, Defaults.FFN_MULTIPLIER)
                * size.dModel;
    ModelCompute model = new ModelCompute(size.layers, size.dModel, ffn, spec.model.contextLength);
    return Optional.of(
        new StudyPlan.Run(name, role, model, (int) steps, steps * tokensPerStep, run));
  }

  /** A child's violation at the study field it comes from. */
  private static Violation atStudy(
      Violation violation, String child, String sizeAt, String tokensAt, int pretrain) {
    String field = violation.field();
    if (field.equals("metadata.name")) {
      return new Violation("metadata.name", "run " + child + ": " + violation.message());
    }
    Matcher matcher = CHILD_FIELD.matcher(field);
    if (matcher.matches()) {
      if (matcher.group(1) != null) {
        return new Violation(
            sizeAt + "." + matcher.group(1) + matcher.group(3), violation.message());
      }
      if (Integer.parseInt(matcher.group(2)) == pretrain) {
        return new Violation(
            tokensAt, "its steps " + matcher.group(3) + ": " + violation.message());
      }
    }
    return new Violation(field.replaceFirst("^spec\\.", "spec.template."), violation.message());
  }

  private static Integer sizeField(TrainingRunSpec template, String field) {
    return switch (field) {
      case "layers" -> template.model.layers;
      case "dModel" -> template.model.dModel;
      default -> template.model.heads;
    };
  }
}
