package dev.emergent.api.v1alpha1;

import dev.emergent.plan.Defaults;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Every CEL rule of the CRD ({@code x-kubernetes-validations}), each with the schema path it is
 * installed at. The CRD generator's post-processor puts them there; tests evaluate exactly these
 * strings, and the planner ({@code dev.emergent.plan.SpecValidator}) re-checks each one because the
 * local runner has no API server.
 *
 * <p>They are built here with plain Java rather than written as annotation constants because CEL on
 * Kubernetes 1.32 can neither bind a variable nor choose between two object types, so a rule about
 * "the stage's mesh, else the run's mesh" must spell out both meshes from one fragment. Rules also
 * stay within the API server's cost budget: no {@code map}/{@code indexOf} (their result has no
 * size bound in the estimate), and stage positions come from a literal index list of {@link
 * Limits#MAX_STAGES} entries.
 */
public final class CelRules {

  /** A rule at a schema path: dot-separated properties, {@code []} for the items of a list. */
  public record Rule(String path, String rule, String message, String fieldPath) {}

  static final String SPEC = "spec";
  static final String STAGE = "spec.stages[]";
  static final List<String> MESHES = List.of("spec.mesh", "spec.stages[].mesh");

  /** The fields that only PPO stages may set. */
  public static final List<String> PPO_ONLY_FIELDS =
      List.of(
          "klCoef",
          "klTarget",
          "clipRange",
          "valueClipRange",
          "gamma",
          "lambda",
          "ppoEpochs",
          "rolloutSize",
          "maxNewTokens",
          "temperature",
          "topK");

  public static final String PPO_ONLY_MESSAGE = onlyMessage(PPO_ONLY_FIELDS, "PPO");

  /** The fields that only RewardModel stages may set. */
  public static final List<String> REWARD_MODEL_ONLY_FIELDS =
      List.of("rewardCentering", "rewardSftWeight");

  public static final String REWARD_MODEL_ONLY_MESSAGE =
      onlyMessage(REWARD_MODEL_ONLY_FIELDS, "RewardModel");

  /** Parameters of the scaling law, E, A, alpha, B, beta: the fewest runs a fit needs. */
  public static final int STUDY_PARAMETERS = 5;

  private static final String STAGE_INDICES =
      IntStream.range(0, Limits.MAX_STAGES)
          .mapToObj(Integer::toString)
          .collect(Collectors.joining(", ", "[", "]"));

  private CelRules() {}

  public static List<Rule> all() {
    List<Rule> rules = new ArrayList<>();
    for (String mesh : MESHES) {
      meshRules(mesh, rules);
    }
    axisRules(rules);
    modelRules(rules);
    runRules(rules);
    stageRules(rules);
    rules.add(
        new Rule(
            "spec.stages[].data",
            "has(self.builtin) != has(self.path)",
            "set exactly one of builtin and path",
            null));
    rules.add(
        new Rule(
            "spec.stages[].data",
            "!has(self.operandDigits) || has(self.builtin)",
            "operandDigits applies only to builtin data",
            ".operandDigits"));
    rules.add(
        new Rule(
            "spec.scheduling",
            "!has(self.workloadPriorityClassName) || has(self.queueName)",
            "workloadPriorityClassName applies only with queueName (Kueue)",
            ".workloadPriorityClassName"));
    rules.add(
        new Rule(
            "spec.checkpoint.storage",
            "!(has(self.claimName) && (has(self.size) || has(self.storageClassName)))",
            "set claimName (an existing claim) or size/storageClassName (a new volume), not both",
            null));
    return rules;
  }

  /**
   * The rules of a ScalingStudy: its own, and every TrainingRun rule about the template's mesh,
   * stages, data, scheduling and storage at {@code spec.template}. The TrainingRun rules at the
   * spec and its model need the model's size, which only each rung has: the planner checks them on
   * every child run, and each child TrainingRun is admitted by its own CRD.
   */
  public static List<Rule> study() {
    List<Rule> rules = new ArrayList<>();
    for (Rule rule : all()) {
      if (!rule.path().equals(SPEC)
          && !rule.path().startsWith("spec.model")
          && !rule.rule().contains("self.steps")) {
        rules.add(
            new Rule(
                rule.path().replaceFirst("^spec", "spec.template"),
                rule.rule(),
                rule.message(),
                rule.fieldPath()));
      }
    }
    for (String size : List.of("spec.ladder.models[]", "spec.predict[]")) {
      rules.add(
          new Rule(
              size,
              "self.dModel % self.heads == 0",
              "dModel must be divisible by heads",
              ".dModel"));
    }
    rules.add(
        new Rule(
            "spec.ladder",
            "size(self.models) * size(self.tokens) >= " + STUDY_PARAMETERS,
            "models × tokens must give at least "
                + STUDY_PARAMETERS
                + " runs: one per parameter of L(N, D) = E + A/N^alpha + B/D^beta",
            null));
    rules.add(
        new Rule(
            "spec.ladder",
            "self.tokens.all(t, t >= 1)",
            "every token budget must be at least 1",
            ".tokens"));
    rules.add(
        new Rule(
            "spec.template.model",
            "!has(self.layers) && !has(self.dModel) && !has(self.heads)",
            "layers, dModel and heads are set by each model of spec.ladder.models",
            null));
    rules.add(
        new Rule(
            "spec.template",
            "self.stages.filter(s, s.type == 'Pretrain').size() == 1",
            "needs exactly one Pretrain stage (the law is fitted to its final evalLoss)",
            ".stages"));
    rules.add(
        new Rule(
            "spec.template",
            "self.stages.all(s, s.type == 'Pretrain' ? !has(s.steps) : has(s.steps))",
            "every stage but the Pretrain stage needs steps; the Pretrain stage's steps are set"
                + " by each token budget",
            ".stages"));
    for (String field : List.of("template", "ladder", "predict")) {
      rules.add(
          new Rule(
              "spec." + field,
              "self == oldSelf",
              "is immutable: the study's runs are named by their place in it; create a new study",
              null));
    }
    return rules;
  }

  private static void meshRules(String at, List<Rule> rules) {
    String inferred = hasInferredAxis("self");
    String product = axesProduct("self");
    String devicesPerPod = devicesPerPod("self");
    rules.add(
        new Rule(
            at,
            "self.axes.all(a, self.axes.exists_one(b, b.name == a.name))",
            "axis names must be unique",
            ".axes"));
    rules.add(
        new Rule(
            at,
            "self.axes.filter(a, a.size == -1).size() <= 1",
            "at most one axis size may be -1",
            ".axes"));
    rules.add(
        new Rule(
            at,
            "!" + inferred + " || has(self.pods)",
            "pods is required when an axis size is -1",
            ".pods"));
    rules.add(
        new Rule(
            at,
            inferred + " || (" + product + ") % " + devicesPerPod + " == 0",
            "devicesPerPod must divide the device count (the product of the axis sizes)",
            ".devicesPerPod"));
    rules.add(
        new Rule(
            at,
            inferred + " || !has(self.pods) || (" + product + ") == self.pods * " + devicesPerPod,
            "the product of the axis sizes must equal pods × devicesPerPod",
            ".pods"));
    rules.add(
        new Rule(
            at,
            "!"
                + inferred
                + " || !has(self.pods) || (self.pods * "
                + devicesPerPod
                + ") % (-("
                + product
                + ")) == 0",
            "pods × devicesPerPod must be divisible by the product of the other axis sizes",
            ".axes"));
  }

  private static void axisRules(List<Rule> rules) {
    for (String mesh : MESHES) {
      String at = mesh + ".axes[]";
      rules.add(
          new Rule(
              at,
              "self.size == -1 || self.size >= 1",
              "size must be a positive integer, or -1 to fill in from pods × devicesPerPod",
              ".size"));
      rules.add(
          new Rule(
              at,
              "self.name in " + quotedList(MeshAxis.KNOWN_NAMES),
              "name must be one of " + String.join(", ", MeshAxis.KNOWN_NAMES),
              ".name"));
    }
  }

  private static void modelRules(List<Rule> rules) {
    rules.add(
        new Rule(
            "spec.model",
            "self.dModel % self.heads == 0",
            "dModel must be divisible by heads",
            ".dModel"));
    rules.add(
        new Rule(
            "spec.model",
            "!(has(self.ffn) && has(self.ffnMultiplier))",
            "set ffn or ffnMultiplier, not both",
            ".ffn"));
    rules.add(
        new Rule(
            "spec.model",
            "!(has(self.vocab) && has(self.tokenizer))",
            "set vocab or tokenizer, not both",
            ".tokenizer"));
  }

  /** Rules that read the whole spec: the model against each mesh, stages against each other. */
  private static void runRules(List<Rule> rules) {
    String ffnWidth =
        "(has(self.model.ffn) ? self.model.ffn : (has(self.model.ffnMultiplier) ?"
            + " self.model.ffnMultiplier : "
            + Defaults.FFN_MULTIPLIER
            + ") * self.model.dModel)";
    rules.add(
        new Rule(
            SPEC,
            onEveryMesh(m -> onAxis(m, MeshAxis.MODEL, x -> "self.model.heads % " + x + " == 0")),
            "model.heads must be divisible by the size of the mesh axis 'model'",
            ".model.heads"));
    rules.add(
        new Rule(
            SPEC,
            onEveryMesh(m -> onAxis(m, MeshAxis.MODEL, x -> ffnWidth + " % " + x + " == 0")),
            "the MLP width (model.ffn, or ffnMultiplier × dModel) must be divisible by the size"
                + " of the mesh axis 'model'",
            ".model"));
    rules.add(
        new Rule(
            SPEC,
            "self.stages.all(s, self.stages.exists_one(t, t.name == s.name))",
            "stage names must be unique",
            ".stages"));
    rules.add(
        reference(
            "from", "['Pretrain', 'SFT']", "from must name an earlier Pretrain or SFT stage"));
    rules.add(
        reference(
            "policyFrom",
            "['SFT', 'Pretrain']",
            "policyFrom must name an earlier SFT or Pretrain stage"));
    rules.add(
        reference(
            "rewardFrom", "['RewardModel']", "rewardFrom must name an earlier RewardModel stage"));
    String batch = orDefault("s.batchSize", Defaults.BATCH_SIZE);
    String micro = orDefault("s.microBatchSize", 1);
    rules.add(
        new Rule(
            SPEC,
            "self.stages.all(s, "
                + onStageMesh(
                    m ->
                        "("
                            + m
                            + ".axes.exists(a, a.name == '"
                            + MeshAxis.DATA
                            + "') || "
                            + batch
                            + " % "
                            + micro
                            + " == 0) && "
                            + onAxis(
                                m,
                                MeshAxis.DATA,
                                x -> batch + " % (" + x + " * " + micro + ") == 0"))
                + ")",
            "batchSize (default "
                + Defaults.BATCH_SIZE
                + ") must be divisible by the size of the stage mesh's axis 'data' × microBatchSize",
            ".stages"));
    rules.add(
        new Rule(
            SPEC,
            "self.stages.all(s, s.type != 'PPO' || "
                + onStageMesh(m -> onAxis(m, MeshAxis.MODEL, x -> x + " == 1"))
                + ")",
            "a PPO stage runs on a data axis only: its mesh's axis 'model' must be 1 (give the"
                + " stage its own mesh)",
            ".stages"));
    rules.add(
        new Rule(
            SPEC,
            "self.stages.all(s, s.type != 'PPO' || "
                + orDefault("s.maxNewTokens", Defaults.MAX_NEW_TOKENS)
                + " < self.model.contextLength)",
            "a PPO stage's maxNewTokens (default "
                + Defaults.MAX_NEW_TOKENS
                + ") must be less than model.contextLength",
            ".stages"));
  }

  private static void stageRules(List<Rule> rules) {
    rules.add(
        new Rule(
            STAGE,
            "self.type != 'Pretrain' || !has(self.from)",
            "a Pretrain stage starts from scratch or from fromCheckpoint, not from another stage",
            ".from"));
    rules.add(
        new Rule(
            STAGE,
            "!(self.type in ['SFT', 'RewardModel']) || has(self.from) != has(self.fromCheckpoint)",
            "SFT and RewardModel stages need exactly one of from and fromCheckpoint",
            null));
    rules.add(
        new Rule(
            STAGE,
            "self.type != 'PPO' || !(has(self.from) || has(self.fromCheckpoint))",
            "a PPO stage starts from policyFrom and rewardFrom, not from or fromCheckpoint",
            null));
    rules.add(
        new Rule(
            STAGE,
            "self.type != 'PPO' || has(self.policyFrom) != has(self.policyFromCheckpoint)",
            "a PPO stage needs exactly one of policyFrom and policyFromCheckpoint",
            null));
    rules.add(
        new Rule(
            STAGE,
            "self.type != 'PPO' || has(self.rewardFrom) != has(self.rewardFromCheckpoint)",
            "a PPO stage needs exactly one of rewardFrom and rewardFromCheckpoint",
            null));
    rules.add(
        new Rule(
            STAGE,
            "self.type == 'PPO' || !(has(self.policyFrom) || has(self.policyFromCheckpoint) ||"
                + " has(self.rewardFrom) || has(self.rewardFromCheckpoint))",
            "policyFrom, policyFromCheckpoint, rewardFrom and rewardFromCheckpoint apply only to"
                + " PPO stages",
            null));
    rules.add(onlyOnType("RewardModel", REWARD_MODEL_ONLY_FIELDS, REWARD_MODEL_ONLY_MESSAGE));
    rules.add(onlyOnType("PPO", PPO_ONLY_FIELDS, PPO_ONLY_MESSAGE));
    rules.add(
        new Rule(
            STAGE,
            "!has(self.schedule) || !has(self.schedule.warmupSteps) ||"
                + " self.schedule.warmupSteps <= self.steps",
            "schedule.warmupSteps must not exceed steps",
            ".schedule.warmupSteps"));
    rules.add(
        new Rule(
            STAGE,
            "!has(self.microBatchSize) || self.microBatchSize <= "
                + orDefault("self.batchSize", Defaults.BATCH_SIZE),
            "microBatchSize must not exceed batchSize (default " + Defaults.BATCH_SIZE + ")",
            ".microBatchSize"));
    rules.add(
        new Rule(
            STAGE,
            "self.type != 'PPO' || "
                + orDefault("self.rolloutSize", Defaults.ROLLOUT_SIZE)
                + " % "
                + orDefault("self.batchSize", Defaults.BATCH_SIZE)
                + " == 0",
            "rolloutSize (default "
                + Defaults.ROLLOUT_SIZE
                + ") must be a multiple of batchSize (default "
                + Defaults.BATCH_SIZE
                + ")",
            ".rolloutSize"));
  }

  /** The named field of stage i, when set, names an earlier stage of one of the given types. */
  /** A stage may set {@code fields} only when it is of {@code type}. */
  private static Rule onlyOnType(String type, List<String> fields, String message) {
    return new Rule(
        STAGE,
        "self.type == '"
            + type
            + "' || !("
            + fields.stream().map(f -> "has(self." + f + ")").collect(Collectors.joining(" || "))
            + ")",
        message,
        null);
  }

  private static String onlyMessage(List<String> fields, String type) {
    return String.join(", ", fields.subList(0, fields.size() - 1))
        + " and "
        + fields.get(fields.size() - 1)
        + " apply only to "
        + type
        + " stages";
  }

  private static Rule reference(String field, String types, String message) {
    String stage = "self.stages[i]";
    return new Rule(
        SPEC,
        STAGE_INDICES
            + ".all(i, i >= size(self.stages) || !has("
            + stage
            + "."
            + field
            + ") || "
            + STAGE_INDICES
            + ".exists(j, j < i && self.stages[j].name == "
            + stage
            + "."
            + field
            + " && self.stages[j].type in "
            + types
            + "))",
        message,
        ".stages");
  }

  /** A condition on each mesh of the run: spec.mesh and every stage's own. */
  private static String onEveryMesh(UnaryOperator<String> condition) {
    return condition.apply("self.mesh")
        + " && self.stages.all(s, !has(s.mesh) || "
        + condition.apply("s.mesh")
        + ")";
  }

  /** A condition on the mesh stage {@code s} runs on: its own if it has one, else the run's. */
  private static String onStageMesh(UnaryOperator<String> condition) {
    return "(has(s.mesh) ? "
        + condition.apply("s.mesh")
        + " : "
        + condition.apply("self.mesh")
        + ")";
  }

  /**
   * A condition on {@code x}, the size of the named axis of a mesh, -1 filled in from pods ×
   * devicesPerPod; true where the mesh lacks the axis or its size cannot be known, since the mesh
   * rules refuse such a mesh with their own messages. A mesh without the axis has it at size 1,
   * which every condition but the batch rule's holds for; that rule says so itself rather than
   * every rule paying for the case in length.
   *
   * <p>The product of the sizes and the axis's size are each bound once, as the element of a
   * one-element list, because CEL on Kubernetes 1.32 has no variable binding, and the API server
   * plans every rule anew on each evaluation (each create and each status write of a run) at a cost
   * that grows with the rule's length: spelled out at each use, these rules were most of the CEL
   * cost of a status write.
   */
  private static String onAxis(String mesh, String axis, UnaryOperator<String> condition) {
    String devices = "(" + mesh + ".pods * " + devicesPerPod(mesh) + ")";
    return "["
        + axesProduct(mesh)
        + "].all(p, "
        + mesh
        + ".axes.all(a, a.name != '"
        + axis
        + "' || [a.size != -1 ? a.size : (has("
        + mesh
        + ".pods) && p < 0 && "
        + devices
        + " % p == 0 ? "
        + devices
        + " / -p : 0)].all(x, x < 1 || "
        + condition.apply("x")
        + ")))";
  }

  /** Product of the axis sizes; negative when one size is -1 (then: minus the others). */
  private static String axesProduct(String mesh) {
    return IntStream.range(0, Limits.MAX_AXES)
        .mapToObj(
            k -> "(size(" + mesh + ".axes) > " + k + " ? " + mesh + ".axes[" + k + "].size : 1)")
        .collect(Collectors.joining(" * "));
  }

  private static String hasInferredAxis(String mesh) {
    return mesh + ".axes.exists(a, a.size == -1)";
  }

  private static String devicesPerPod(String mesh) {
    return orDefault(mesh + ".devicesPerPod", Defaults.DEVICES_PER_POD);
  }

  private static String orDefault(String field, int fallback) {
    return "(has(" + field + ") ? " + field + " : " + fallback + ")";
  }

  private static String quotedList(List<String> values) {
    return values.stream().collect(Collectors.joining("', '", "['", "']"));
  }
}
