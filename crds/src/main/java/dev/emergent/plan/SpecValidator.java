package dev.emergent.plan;

import dev.emergent.api.v1alpha1.CelRules;
import dev.emergent.api.v1alpha1.CheckpointStorage;
import dev.emergent.api.v1alpha1.DataSpec;
import dev.emergent.api.v1alpha1.Limits;
import dev.emergent.api.v1alpha1.ModelSpec;
import dev.emergent.api.v1alpha1.PodResources;
import dev.emergent.api.v1alpha1.StageSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every rule of a TrainingRun, so that the local runner, which has no API server, refuses what the
 * CRD refuses: the per-field bounds come from the types' annotations ({@link SchemaChecks}); the
 * rules here are the twins of {@link CelRules} and the quantity pattern, with messages that name
 * the values involved.
 */
public final class SpecValidator {
  private static final Pattern QUANTITY = Pattern.compile(Limits.QUANTITY);

  private final FieldChecks checks = new FieldChecks();

  private SpecValidator() {}

  /** Every violation, in the order of the fields in the spec (stages in their order). */
  public static List<Violation> validate(TrainingRun run) {
    SpecValidator validator = new SpecValidator();
    validator.checkRun(run);
    List<Violation> violations = new ArrayList<>(validator.checks.violations());
    violations.sort(
        Comparator.comparingInt(SpecValidator::section).thenComparingInt(SpecValidator::stage));
    return violations;
  }

  private static final List<String> SECTIONS =
      Arrays.stream(TrainingRunSpec.class.getDeclaredFields())
          .filter(f -> !Modifier.isStatic(f.getModifiers()))
          .map(Field::getName)
          .toList();
  private static final Pattern SECTION = Pattern.compile("^spec\\.([A-Za-z]+)(?:\\[(\\d+)\\])?");

  private static int section(Violation violation) {
    Matcher matcher = SECTION.matcher(violation.field());
    return matcher.find() ? SECTIONS.indexOf(matcher.group(1)) : -1;
  }

  private static int stage(Violation violation) {
    Matcher matcher = SECTION.matcher(violation.field());
    return matcher.find() && matcher.group(2) != null ? Integer.parseInt(matcher.group(2)) : -1;
  }

  private void checkRun(TrainingRun run) {
    String name = run.getMetadata() == null ? null : run.getMetadata().getName();
    if (checks.required("metadata.name", name)) {
      checks.text("metadata.name", name, 1, Limits.MAX_NAME, Limits.DNS_LABEL, "a DNS label");
    }
    TrainingRunSpec spec = run.getSpec();
    if (!checks.required("spec", spec)) {
      return;
    }
    SchemaChecks.check(spec, "spec", checks);
    if (spec.model != null) {
      checkModel(spec.model);
    }
    Optional<ResolvedMesh> mesh =
        spec.mesh == null ? Optional.empty() : MeshResolver.resolve(spec.mesh, "spec.mesh", checks);
    if (checks.isClean()) {
      checkModelFitsMesh(spec.model, mesh.orElseThrow(), "spec.mesh");
    }
    checkResources("spec.resources", spec.resources);
    if (spec.checkpoint != null) {
      checkStorage(spec.checkpoint.storage);
    }
    if (spec.scheduling != null
        && spec.scheduling.workloadPriorityClassName != null
        && spec.scheduling.queueName == null) {
      checks.fail(
          "spec.scheduling.workloadPriorityClassName", "applies only with queueName (Kueue)");
    }
    if (spec.stages != null) {
      checkStages(spec, mesh);
    }
  }

  private void checkModel(ModelSpec model) {
    if (model.ffn != null && model.ffnMultiplier != null) {
      checks.fail("spec.model.ffn", "set ffn or ffnMultiplier, not both");
    }
    if (model.vocab != null && model.tokenizer != null) {
      checks.fail("spec.model.tokenizer", "set vocab or tokenizer, not both");
    }
    if (model.dModel != null
        && model.heads != null
        && model.heads > 0
        && model.dModel % model.heads != 0) {
      checks.fail(
          "spec.model.dModel",
          "must be divisible by heads (" + model.heads + "), got " + model.dModel);
    }
  }

  static int ffnWidth(ModelSpec model) {
    return model.ffn != null
        ? model.ffn
        : (model.ffnMultiplier == null ? Defaults.FFN_MULTIPLIER : model.ffnMultiplier)
            * model.dModel;
  }

  private void checkModelFitsMesh(ModelSpec model, ResolvedMesh mesh, String meshPath) {
    int modelAxis = mesh.size(ResolvedMesh.MODEL);
    if (model.heads % modelAxis != 0) {
      checks.fail(
          "spec.model.heads",
          "must be divisible by the size of the mesh axis 'model' of "
              + meshPath
              + " ("
              + modelAxis
              + "), got "
              + model.heads);
    }
    if (ffnWidth(model) % modelAxis != 0) {
      checks.fail(
          "spec.model",
          "the MLP width ("
              + ffnWidth(model)
              + ") must be divisible by the size of the mesh"
              + " axis 'model' of "
              + meshPath
              + " ("
              + modelAxis
              + ")");
    }
  }

  private void checkStorage(CheckpointStorage storage) {
    if (storage == null) {
      return;
    }
    String at = "spec.checkpoint.storage";
    if (storage.claimName != null && (storage.size != null || storage.storageClassName != null)) {
      checks.fail(
          at,
          "set claimName (an existing claim) or size/storageClassName (a new volume), not both");
    }
    if (checkQuantity(at + ".size", storage.size)
        && storage.size != null
        && Quantity.getAmountInBytes(storage.size).signum() <= 0) {
      checks.fail(at + ".size", "must be positive, got " + storage.size);
    }
  }

  private void checkResources(String at, PodResources resources) {
    if (resources == null) {
      return;
    }
    Map<String, Map<String, Quantity>> lists = new LinkedHashMap<>();
    lists.put("requests", resources.requests);
    lists.put("limits", resources.limits);
    lists.forEach(
        (kind, quantities) -> {
          if (quantities != null) {
            quantities.forEach((name, value) -> checkQuantity(at + "." + kind + "." + name, value));
          }
        });
  }

  /** Reports a value that is no quantity and returns whether it is absent or well formed. */
  private boolean checkQuantity(String field, Quantity value) {
    if (value == null) {
      return true;
    }
    String text = value.toString();
    if (!QUANTITY.matcher(text).matches()) {
      checks.fail(field, "must be a quantity such as 10Gi, got \"" + text + "\"");
      return false;
    }
    return true;
  }

  private void checkStages(TrainingRunSpec spec, Optional<ResolvedMesh> runMesh) {
    Map<String, StageType> earlier = new HashMap<>();
    for (int i = 0; i < spec.stages.size(); i++) {
      StageSpec stage = spec.stages.get(i);
      String at = "spec.stages[" + i + "]";
      if (stage.name != null && earlier.containsKey(stage.name)) {
        checks.fail(at + ".name", "stage names must be unique, \"" + stage.name + "\" repeats");
      }
      if (stage.type != null) {
        checkInputs(stage, at, earlier);
        checkTypeSpecificFields(stage, at);
      }
      if (stage.data != null) {
        checkData(stage.data, at + ".data");
      }
      checkWarmup(stage, at);
      checkResources(at + ".resources", stage.resources);
      Optional<ResolvedMesh> mesh = runMesh;
      if (stage.mesh != null) {
        int before = checks.violations().size();
        mesh = MeshResolver.resolve(stage.mesh, at + ".mesh", checks);
        if (checks.violations().size() == before
            && spec.model != null
            && spec.model.heads != null
            && spec.model.dModel != null) {
          checkModelFitsMesh(spec.model, mesh.orElseThrow(), at + ".mesh");
        }
      }
      mesh.ifPresent(m -> checkBatch(stage, at, m, spec.model));
      mesh.ifPresent(m -> checkPpoMesh(stage, m, stage.mesh != null ? at + ".mesh" : "spec.mesh"));
      if (stage.name != null && stage.type != null) {
        earlier.putIfAbsent(stage.name, stage.type);
      }
    }
  }

  /**
   * PPO samples rollouts from the whole policy after every update, so the trainer runs it on a data
   * axis only; a run whose mesh has a model axis gives its PPO stage a mesh of its own.
   */
  private void checkPpoMesh(StageSpec stage, ResolvedMesh mesh, String meshPath) {
    if (stage.type == StageType.PPO && mesh.size(ResolvedMesh.MODEL) > 1) {
      checks.fail(
          meshPath,
          "a PPO stage runs on a data axis only: the model axis must be 1 (give the stage its own"
              + " mesh), got "
              + mesh.size(ResolvedMesh.MODEL));
    }
  }

  private void checkInputs(StageSpec stage, String at, Map<String, StageType> earlier) {
    switch (stage.type) {
      case Pretrain -> {
        if (stage.from != null) {
          checks.fail(
              at + ".from",
              "a Pretrain stage starts from scratch or from fromCheckpoint, not from another"
                  + " stage");
        }
      }
      case SFT, RewardModel -> {
        if ((stage.from == null) == (stage.fromCheckpoint == null)) {
          checks.fail(at, "SFT and RewardModel stages need exactly one of from and fromCheckpoint");
        }
        checkReference(
            at + ".from",
            stage.from,
            earlier,
            Set.of(StageType.Pretrain, StageType.SFT),
            "a Pretrain or SFT stage");
      }
      case PPO -> {
        if (stage.from != null || stage.fromCheckpoint != null) {
          checks.fail(
              at, "a PPO stage starts from policyFrom and rewardFrom, not from or fromCheckpoint");
        }
        if ((stage.policyFrom == null) == (stage.policyFromCheckpoint == null)) {
          checks.fail(at, "a PPO stage needs exactly one of policyFrom and policyFromCheckpoint");
        }
        if ((stage.rewardFrom == null) == (stage.rewardFromCheckpoint == null)) {
          checks.fail(at, "a PPO stage needs exactly one of rewardFrom and rewardFromCheckpoint");
        }
        checkReference(
            at + ".policyFrom",
            stage.policyFrom,
            earlier,
            Set.of(StageType.SFT, StageType.Pretrain),
            "an SFT or Pretrain stage");
        checkReference(
            at + ".rewardFrom",
            stage.rewardFrom,
            earlier,
            Set.of(StageType.RewardModel),
            "a RewardModel stage");
      }
    }
    if (stage.type != StageType.PPO
        && (stage.policyFrom != null
            || stage.policyFromCheckpoint != null
            || stage.rewardFrom != null
            || stage.rewardFromCheckpoint != null)) {
      checks.fail(
          at,
          "policyFrom, policyFromCheckpoint, rewardFrom and rewardFromCheckpoint apply only to"
              + " PPO stages");
    }
  }

  private void checkReference(
      String field,
      String target,
      Map<String, StageType> earlier,
      Set<StageType> types,
      String what) {
    if (target == null) {
      return;
    }
    StageType type = earlier.get(target);
    if (type == null) {
      checks.fail(field, "must name an earlier stage, \"" + target + "\" is not one");
    } else if (!types.contains(type)) {
      checks.fail(field, "must name " + what + ", \"" + target + "\" is of type " + type);
    }
  }

  private void checkTypeSpecificFields(StageSpec stage, String at) {
    if (stage.type != StageType.RewardModel
        && CelRules.REWARD_MODEL_ONLY_FIELDS.stream().anyMatch(field -> isSet(stage, field))) {
      checks.fail(at, CelRules.REWARD_MODEL_ONLY_MESSAGE);
    }
    if (stage.type != StageType.PPO
        && CelRules.PPO_ONLY_FIELDS.stream().anyMatch(field -> isSet(stage, field))) {
      checks.fail(at, CelRules.PPO_ONLY_MESSAGE);
    }
  }

  private static boolean isSet(StageSpec stage, String field) {
    try {
      return StageSpec.class.getField(field).get(stage) != null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("StageSpec has no public field " + field, e);
    }
  }

  private void checkData(DataSpec data, String at) {
    if ((data.builtin == null) == (data.path == null)) {
      checks.fail(at, "set exactly one of builtin and path");
    }
    if (data.operandDigits != null && data.builtin == null) {
      checks.fail(at + ".operandDigits", "applies only to builtin data");
    }
  }

  private void checkWarmup(StageSpec stage, String at) {
    if (stage.schedule != null
        && stage.schedule.warmupSteps != null
        && stage.steps != null
        && stage.schedule.warmupSteps > stage.steps) {
      checks.fail(
          at + ".schedule.warmupSteps",
          "must not exceed steps (" + stage.steps + "), got " + stage.schedule.warmupSteps);
    }
  }

  private void checkBatch(StageSpec stage, String at, ResolvedMesh mesh, ModelSpec model) {
    int data = mesh.size(ResolvedMesh.DATA);
    int batch = stage.batchSize == null ? Defaults.BATCH_SIZE : stage.batchSize;
    if (batch < 1 || (stage.microBatchSize != null && stage.microBatchSize < 1)) {
      return;
    }
    if (stage.microBatchSize != null && stage.microBatchSize > batch) {
      checks.fail(
          at + ".microBatchSize",
          "must not exceed batchSize (" + batch + "), got " + stage.microBatchSize);
    } else if (stage.microBatchSize != null) {
      if (batch % (data * stage.microBatchSize) != 0) {
        checks.fail(
            at + ".batchSize",
            "must be divisible by data × microBatchSize ("
                + data
                + " × "
                + stage.microBatchSize
                + " = "
                + data * stage.microBatchSize
                + "), got "
                + batch);
      }
    } else if (batch % data != 0) {
      checks.fail(
          at + ".batchSize",
          "must be divisible by the size of the mesh axis 'data' (" + data + "), got " + batch);
    }
    if (stage.type == StageType.PPO) {
      int rollout = stage.rolloutSize == null ? Defaults.ROLLOUT_SIZE : stage.rolloutSize;
      if (rollout % batch != 0) {
        checks.fail(
            at + ".rolloutSize", "must be a multiple of batchSize (" + batch + "), got " + rollout);
      }
      int newTokens = stage.maxNewTokens == null ? Defaults.MAX_NEW_TOKENS : stage.maxNewTokens;
      if (model != null && model.contextLength != null && newTokens >= model.contextLength) {
        checks.fail(
            at + ".maxNewTokens",
            "must be less than model.contextLength ("
                + model.contextLength
                + "), got "
                + newTokens);
      }
    }
  }
}
