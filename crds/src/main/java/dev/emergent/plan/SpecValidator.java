package dev.emergent.plan;

import dev.emergent.api.v1alpha1.CelRules;
import dev.emergent.api.v1alpha1.CheckpointSpec;
import dev.emergent.api.v1alpha1.CheckpointStorage;
import dev.emergent.api.v1alpha1.DataSpec;
import dev.emergent.api.v1alpha1.FailurePolicy;
import dev.emergent.api.v1alpha1.Limits;
import dev.emergent.api.v1alpha1.ModelSpec;
import dev.emergent.api.v1alpha1.PodResources;
import dev.emergent.api.v1alpha1.ScheduleSpec;
import dev.emergent.api.v1alpha1.SchedulingSpec;
import dev.emergent.api.v1alpha1.StageSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule of a TrainingRun: the CRD's OpenAPI bounds and CEL rules (so that the local runner,
 * which has no API server, refuses the same specs) and the rules that CEL cannot express.
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile(Limits.DNS_LABEL);
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");
  private static final Pattern RELATIVE_PATH = Pattern.compile(Limits.RELATIVE_PATH);
  private static final Pattern IMAGE_REFERENCE = Pattern.compile(Limits.IMAGE_REFERENCE);
  private static final Pattern QUANTITY = Pattern.compile(Limits.QUANTITY);
  private static final int MAX_STAGE_NAME = 40;

  private final FieldChecks checks = new FieldChecks();

  private SpecValidator() {}

  public static List<Violation> validate(TrainingRun run) {
    SpecValidator validator = new SpecValidator();
    validator.checkRun(run);
    return validator.checks.violations();
  }

  private void checkRun(TrainingRun run) {
    String name = run.getMetadata() == null ? null : run.getMetadata().getName();
    if (checks.required("metadata.name", name)) {
      checks.pattern("metadata.name", name, DNS_LABEL, Limits.MAX_NAME, "a DNS label");
    }
    TrainingRunSpec spec = run.getSpec();
    if (!checks.required("spec", spec)) {
      return;
    }
    if (checks.required("spec.model", spec.model)) {
      checkModel(spec.model);
    }
    Optional<ResolvedMesh> mesh = Optional.empty();
    if (checks.required("spec.mesh", spec.mesh)) {
      mesh = MeshResolver.resolve(spec.mesh, "spec.mesh", checks);
    }
    if (checks.isClean()) {
      checkModelFitsMesh(spec.model, mesh.orElseThrow(), "spec.mesh");
    }
    checks.pattern("spec.image", spec.image, IMAGE_REFERENCE, 512, "an image reference");
    checkResources("spec.resources", spec.resources);
    checks.range("spec.seed", spec.seed, 0, Integer.MAX_VALUE);
    checks.range("spec.ttlSecondsAfterFinished", spec.ttlSecondsAfterFinished, 0, 31536000);
    checkCheckpoint(spec.checkpoint);
    checkScheduling(spec.scheduling);
    checkFailurePolicy(spec.failurePolicy);
    checkStages(spec, mesh);
  }

  private void checkModel(ModelSpec model) {
    String at = "spec.model";
    if (checks.required(at + ".layers", model.layers)) {
      checks.range(at + ".layers", model.layers, 1, Limits.MAX_LAYERS);
    }
    if (checks.required(at + ".dModel", model.dModel)) {
      checks.range(at + ".dModel", model.dModel, 8, Limits.MAX_D_MODEL);
    }
    if (checks.required(at + ".heads", model.heads)) {
      checks.range(at + ".heads", model.heads, 1, Limits.MAX_HEADS);
    }
    if (checks.required(at + ".contextLength", model.contextLength)) {
      checks.range(at + ".contextLength", model.contextLength, 2, Limits.MAX_CONTEXT);
    }
    checks.range(at + ".ffn", model.ffn, 1, Limits.MAX_FFN);
    checks.range(at + ".ffnMultiplier", model.ffnMultiplier, 1, Limits.MAX_FFN_MULTIPLIER);
    if (model.ffn != null && model.ffnMultiplier != null) {
      checks.fail(at + ".ffn", "set ffn or ffnMultiplier, not both");
    }
    if (model.dModel != null
        && model.heads != null
        && model.heads > 0
        && model.dModel % model.heads != 0) {
      checks.fail(
          at + ".dModel", "must be divisible by heads (" + model.heads + "), got " + model.dModel);
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

  private void checkCheckpoint(CheckpointSpec checkpoint) {
    if (checkpoint == null) {
      return;
    }
    checks.range("spec.checkpoint.everySteps", checkpoint.everySteps, 1, Limits.MAX_STEPS);
    checks.range("spec.checkpoint.keep", checkpoint.keep, 1, 100);
    CheckpointStorage storage = checkpoint.storage;
    if (storage == null) {
      return;
    }
    String at = "spec.checkpoint.storage";
    checks.pattern(at + ".claimName", storage.claimName, DNS_SUBDOMAIN, 253, "a DNS subdomain");
    checks.pattern(
        at + ".storageClassName", storage.storageClassName, Pattern.compile(".*"), 253, "a name");
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

  private void checkScheduling(SchedulingSpec scheduling) {
    if (scheduling == null) {
      return;
    }
    checks.pattern(
        "spec.scheduling.queueName", scheduling.queueName, DNS_SUBDOMAIN, 253, "a DNS subdomain");
    checks.pattern(
        "spec.scheduling.priorityClassName",
        scheduling.priorityClassName,
        DNS_SUBDOMAIN,
        253,
        "a DNS subdomain");
  }

  private void checkFailurePolicy(FailurePolicy policy) {
    if (policy == null) {
      return;
    }
    checks.range("spec.failurePolicy.maxRestarts", policy.maxRestarts, 0, Limits.MAX_RESTARTS);
    checks.range("spec.failurePolicy.stallTimeoutSeconds", policy.stallTimeoutSeconds, 30, 604800);
  }

  private void checkStages(TrainingRunSpec spec, Optional<ResolvedMesh> runMesh) {
    if (!checks.required("spec.stages", spec.stages)) {
      return;
    }
    if (spec.stages.isEmpty()) {
      checks.fail("spec.stages", "at least one stage is required");
      return;
    }
    if (spec.stages.size() > Limits.MAX_STAGES) {
      checks.fail(
          "spec.stages", "at most " + Limits.MAX_STAGES + " stages, got " + spec.stages.size());
    }
    Map<String, StageType> earlier = new HashMap<>();
    for (int i = 0; i < spec.stages.size(); i++) {
      StageSpec stage = spec.stages.get(i);
      String at = "spec.stages[" + i + "]";
      if (checks.required(at + ".name", stage.name)) {
        checks.pattern(at + ".name", stage.name, DNS_LABEL, MAX_STAGE_NAME, "a DNS label");
        if (earlier.containsKey(stage.name)) {
          checks.fail(at + ".name", "stage names must be unique, \"" + stage.name + "\" repeats");
        }
      }
      if (checks.required(at + ".type", stage.type)) {
        checkInputs(stage, at, earlier);
        checkTypeSpecificFields(stage, at);
      }
      checkData(stage.data, at + ".data");
      checkTraining(stage, at);
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

  private static boolean isSet(StageSpec stage, String field) {
    try {
      return StageSpec.class.getField(field).get(stage) != null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("StageSpec has no public field " + field, e);
    }
  }

  private void checkResources(String at, PodResources resources) {
    if (resources == null) {
      return;
    }
    Map<String, Map<String, Quantity>> lists = new java.util.LinkedHashMap<>();
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

  private void checkInputs(StageSpec stage, String at, Map<String, StageType> earlier) {
    checkPath(at + ".fromCheckpoint", stage.fromCheckpoint);
    checkPath(at + ".policyFromCheckpoint", stage.policyFromCheckpoint);
    checkPath(at + ".rewardFromCheckpoint", stage.rewardFromCheckpoint);
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

  private void checkPath(String field, String path) {
    checks.pattern(
        field,
        path,
        RELATIVE_PATH,
        Limits.MAX_PATH,
        "a relative path below the checkpoint volume root");
  }

  private void checkTypeSpecificFields(StageSpec stage, String at) {
    if (stage.type != StageType.RewardModel && stage.rewardCentering != null) {
      checks.fail(at, "rewardCentering applies only to RewardModel stages");
    }
    checks.closedRange(at + ".rewardCentering", stage.rewardCentering, 0, 10);
    if (stage.type != StageType.PPO) {
      if (CelRules.PPO_ONLY_FIELDS.stream().anyMatch(field -> isSet(stage, field))) {
        checks.fail(at, CelRules.PPO_ONLY_MESSAGE);
      }
      return;
    }
    checks.closedRange(at + ".klCoef", stage.klCoef, 0, 10);
    checks.positiveUpTo(at + ".klTarget", stage.klTarget, 100);
    checks.positiveUpTo(at + ".clipRange", stage.clipRange, 1);
    checks.positiveUpTo(at + ".valueClipRange", stage.valueClipRange, 1000);
    checks.closedRange(at + ".gamma", stage.gamma, 0, 1);
    checks.closedRange(at + ".lambda", stage.lambda, 0, 1);
    checks.range(at + ".ppoEpochs", stage.ppoEpochs, 1, 64);
    checks.range(at + ".rolloutSize", stage.rolloutSize, 1, Limits.MAX_BATCH);
    checks.range(at + ".maxNewTokens", stage.maxNewTokens, 1, Limits.MAX_CONTEXT);
    checks.positiveUpTo(at + ".temperature", stage.temperature, 10);
    checks.range(at + ".topK", stage.topK, 0, 1000000);
  }

  private void checkData(DataSpec data, String at) {
    if (!checks.required(at, data)) {
      return;
    }
    if ((data.builtin == null) == (data.path == null)) {
      checks.fail(at, "set exactly one of builtin and path");
    }
    checks.pattern(at + ".path", data.path, RELATIVE_PATH, Limits.MAX_PATH, "a relative path");
    checks.range(at + ".operandDigits", data.operandDigits, 1, 9);
    if (data.operandDigits != null && data.builtin == null) {
      checks.fail(at + ".operandDigits", "applies only to builtin data");
    }
    checks.closedRange(at + ".heldOutFraction", data.heldOutFraction, 0, 0.5);
  }

  private void checkTraining(StageSpec stage, String at) {
    if (checks.required(at + ".steps", stage.steps)) {
      checks.range(at + ".steps", stage.steps, 1, Limits.MAX_STEPS);
    }
    checks.range(at + ".batchSize", stage.batchSize, 1, Limits.MAX_BATCH);
    checks.range(at + ".microBatchSize", stage.microBatchSize, 1, Limits.MAX_BATCH);
    checks.positiveUpTo(at + ".learningRate", stage.learningRate, 1);
    checks.closedRange(at + ".weightDecay", stage.weightDecay, 0, 1);
    checks.positiveUpTo(at + ".gradClipNorm", stage.gradClipNorm, 1000);
    checks.range(at + ".evalEverySteps", stage.evalEverySteps, 1, Limits.MAX_STEPS);
    ScheduleSpec schedule = stage.schedule;
    if (schedule != null) {
      checks.range(at + ".schedule.warmupSteps", schedule.warmupSteps, 0, Limits.MAX_STEPS);
      checks.closedRange(
          at + ".schedule.minLearningRateRatio", schedule.minLearningRateRatio, 0, 1);
      if (schedule.warmupSteps != null
          && stage.steps != null
          && schedule.warmupSteps > stage.steps) {
        checks.fail(
            at + ".schedule.warmupSteps",
            "must not exceed steps (" + stage.steps + "), got " + schedule.warmupSteps);
      }
    }
  }

  private void checkBatch(StageSpec stage, String at, ResolvedMesh mesh, ModelSpec model) {
    int data = mesh.size(ResolvedMesh.DATA);
    int batch = stage.batchSize == null ? Defaults.BATCH_SIZE : stage.batchSize;
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
