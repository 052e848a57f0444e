package dev.emergent.plan;

import dev.emergent.api.v1alpha1.CheckpointSpec;
import dev.emergent.api.v1alpha1.CheckpointStorage;
import dev.emergent.api.v1alpha1.DataSpec;
import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.FailurePolicy;
import dev.emergent.api.v1alpha1.LearningRateDecay;
import dev.emergent.api.v1alpha1.ModelSpec;
import dev.emergent.api.v1alpha1.PodResources;
import dev.emergent.api.v1alpha1.ScheduleSpec;
import dev.emergent.api.v1alpha1.SchedulingSpec;
import dev.emergent.api.v1alpha1.StageSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TokenizerSpec;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunSpec;
import dev.emergent.api.v1alpha1.Vocabulary;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Turns a TrainingRun into stage plans. Pure: no I/O and no API calls, so that the operator and the
 * local runner plan the same run the same way.
 */
public final class Planner {

  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  private Planner() {}

  /** Plans a run whose stages start from the {@code latest} checkpoint of the stages they name. */
  public static RunPlan plan(TrainingRun run) {
    return plan(run, Map.of());
  }

  /**
   * Plans a run; {@code published} maps a stage name to the checkpoint it published (relative to
   * the checkpoint root), which later stages then start from instead of that stage's latest.
   *
   * @throws InvalidSpecException listing every broken rule
   */
  public static RunPlan plan(TrainingRun run, Map<String, String> published) {
    List<Violation> violations = SpecValidator.validate(run);
    if (!violations.isEmpty()) {
      throw new InvalidSpecException(violations);
    }
    String name = run.getMetadata().getName();
    TrainingRunSpec spec = run.getSpec();
    RunSettings settings = settings(spec);
    int vocabPadding = vocabPadding(spec);
    List<StagePlan> stages = new ArrayList<>();
    for (int i = 0; i < spec.stages.size(); i++) {
      StageSpec stage = spec.stages.get(i);
      ResolvedMesh mesh = resolveMesh(stage.mesh != null ? stage.mesh : spec.mesh);
      StageConfig config =
          new StageConfig(
              name,
              stage.name,
              stage.type,
              i,
              settings.seed(),
              model(spec.model, vocabPadding),
              mesh,
              data(stage.data),
              stage.steps,
              batchSize(stage),
              microBatchSize(stage, mesh),
              batchSize(stage) / (microBatchSize(stage, mesh) * mesh.size(ResolvedMesh.DATA)),
              optimizer(stage),
              stage.evalEverySteps != null ? stage.evalEverySteps : Math.max(1, stage.steps / 10),
              checkpoint(spec.checkpoint, name, stage.name),
              inputs(stage, name, published),
              stage.type == StageType.PPO ? ppo(stage) : null,
              stage.type == StageType.RewardModel ? rewardModel(stage) : null);
      stages.add(
          new StagePlan(
              i,
              stage.name,
              stage.type,
              mesh,
              placements(mesh),
              config,
              resources(stage.resources != null ? stage.resources : spec.resources, mesh)));
    }
    return new RunPlan(name, settings, stages);
  }

  /** Pod resources, with one GPU per device of the pod when the mesh runs on cuda. */
  private static ResourceRequirements resources(PodResources resources, ResolvedMesh mesh) {
    Map<String, Quantity> requests = new TreeMap<>();
    Map<String, Quantity> limits = new TreeMap<>();
    if (resources != null) {
      requests.putAll(Objects.requireNonNullElse(resources.requests, Map.of()));
      limits.putAll(Objects.requireNonNullElse(resources.limits, Map.of()));
    }
    if (mesh.device() == Device.CUDA) {
      Quantity gpus = new Quantity(Integer.toString(mesh.devicesPerPod()));
      requests.put(GPU_RESOURCE, gpus);
      limits.put(GPU_RESOURCE, gpus);
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  private static ResolvedMesh resolveMesh(dev.emergent.api.v1alpha1.MeshSpec mesh) {
    FieldChecks checks = new FieldChecks();
    return MeshResolver.resolve(mesh, "mesh", checks)
        .orElseThrow(() -> new InvalidSpecException(checks.violations()));
  }

  private static List<RankPlacement> placements(ResolvedMesh mesh) {
    List<RankPlacement> ranks = new ArrayList<>();
    for (int rank = 0; rank < mesh.deviceCount(); rank++) {
      ranks.add(
          new RankPlacement(
              rank,
              rank / mesh.devicesPerPod(),
              rank % mesh.devicesPerPod(),
              mesh.coordinates(rank)));
    }
    return ranks;
  }

  private static RunSettings settings(TrainingRunSpec spec) {
    CheckpointStorage storage =
        spec.checkpoint != null && spec.checkpoint.storage != null
            ? spec.checkpoint.storage
            : new CheckpointStorage();
    boolean existingClaim = storage.claimName != null;
    String size =
        existingClaim
            ? null
            : storage.size != null ? storage.size.toString() : Defaults.CHECKPOINT_SIZE;
    SchedulingSpec scheduling = spec.scheduling != null ? spec.scheduling : new SchedulingSpec();
    FailurePolicy failure = spec.failurePolicy != null ? spec.failurePolicy : new FailurePolicy();
    return new RunSettings(
        spec.image,
        storage.claimName,
        size,
        storage.storageClassName,
        scheduling.queueName,
        scheduling.priorityClassName,
        scheduling.workloadPriorityClassName,
        Objects.requireNonNullElse(failure.maxRestarts, Defaults.MAX_RESTARTS),
        Objects.requireNonNullElse(failure.stallTimeoutSeconds, Defaults.STALL_TIMEOUT_SECONDS),
        spec.ttlSecondsAfterFinished,
        Boolean.TRUE.equals(spec.suspend),
        Objects.requireNonNullElse(spec.seed, Defaults.SEED));
  }

  /**
   * Embedding rows are padded so that every model axis of the run splits them evenly; the padding
   * is run-wide so that a checkpoint keeps its shape when a later stage changes the mesh.
   */
  private static int vocabPadding(TrainingRunSpec spec) {
    int padding = Defaults.VOCAB_PADDING;
    padding = lcm(padding, resolveMesh(spec.mesh).size(ResolvedMesh.MODEL));
    for (StageSpec stage : spec.stages) {
      if (stage.mesh != null) {
        padding = lcm(padding, resolveMesh(stage.mesh).size(ResolvedMesh.MODEL));
      }
    }
    return padding;
  }

  private static int lcm(int a, int b) {
    int x = a;
    int y = b;
    while (y != 0) {
      int t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  private static StageConfig.Model model(ModelSpec model, int vocabPadding) {
    TokenizerSpec tokenizer = model.tokenizer;
    int vocabSize = tokenizer != null ? tokenizer.vocabSize : Tokens.SIZE;
    int padded = (vocabSize + vocabPadding - 1) / vocabPadding * vocabPadding;
    return new StageConfig.Model(
        model.layers,
        model.dModel,
        model.heads,
        SpecValidator.ffnWidth(model),
        model.contextLength,
        tokenizer != null ? StageConfig.Model.BPE : Vocabulary.BYTES.name().toLowerCase(),
        vocabSize,
        padded,
        tokenizer != null ? tokenizer.path : null);
  }

  private static StageConfig.Data data(DataSpec data) {
    return new StageConfig.Data(
        data.builtin != null ? data.builtin.name().toLowerCase() : null,
        data.path,
        Objects.requireNonNullElse(data.operandDigits, Defaults.OPERAND_DIGITS),
        Objects.requireNonNullElse(data.heldOutFraction, Defaults.HELD_OUT_FRACTION));
  }

  private static int batchSize(StageSpec stage) {
    return Objects.requireNonNullElse(stage.batchSize, Defaults.BATCH_SIZE);
  }

  private static int microBatchSize(StageSpec stage, ResolvedMesh mesh) {
    return stage.microBatchSize != null
        ? stage.microBatchSize
        : batchSize(stage) / mesh.size(ResolvedMesh.DATA);
  }

  private static StageConfig.Optimizer optimizer(StageSpec stage) {
    ScheduleSpec schedule = stage.schedule != null ? stage.schedule : new ScheduleSpec();
    return new StageConfig.Optimizer(
        Objects.requireNonNullElse(stage.learningRate, Defaults.learningRate(stage.type)),
        Objects.requireNonNullElse(
            schedule.warmupSteps, Math.min(Defaults.MAX_WARMUP_STEPS, stage.steps / 10)),
        Objects.requireNonNullElse(schedule.decay, LearningRateDecay.COSINE),
        Objects.requireNonNullElse(schedule.minLearningRateRatio, Defaults.MIN_LEARNING_RATE_RATIO),
        Objects.requireNonNullElse(stage.weightDecay, Defaults.WEIGHT_DECAY),
        Objects.requireNonNullElse(stage.gradClipNorm, Defaults.GRAD_CLIP_NORM),
        Defaults.ADAM_BETA1,
        Defaults.ADAM_BETA2,
        Defaults.ADAM_EPSILON);
  }

  private static StageConfig.Checkpoint checkpoint(CheckpointSpec spec, String run, String stage) {
    CheckpointSpec checkpoint = spec != null ? spec : new CheckpointSpec();
    return new StageConfig.Checkpoint(
        CheckpointPaths.stageDirectory(run, stage),
        Objects.requireNonNullElse(checkpoint.everySteps, Defaults.CHECKPOINT_EVERY_STEPS),
        Objects.requireNonNullElse(checkpoint.keep, Defaults.CHECKPOINTS_KEPT));
  }

  private static StageConfig.Inputs inputs(
      StageSpec stage, String run, Map<String, String> published) {
    return switch (stage.type) {
      case Pretrain, SFT, RewardModel ->
          new StageConfig.Inputs(
              input(stage.from, stage.fromCheckpoint, run, published), null, null);
      case PPO ->
          new StageConfig.Inputs(
              null,
              input(stage.policyFrom, stage.policyFromCheckpoint, run, published),
              input(stage.rewardFrom, stage.rewardFromCheckpoint, run, published));
    };
  }

  private static String input(
      String fromStage, String fromCheckpoint, String run, Map<String, String> published) {
    if (fromCheckpoint != null) {
      return fromCheckpoint;
    }
    if (fromStage == null) {
      return null;
    }
    return published.getOrDefault(fromStage, CheckpointPaths.latest(run, fromStage));
  }

  private static StageConfig.RewardModel rewardModel(StageSpec stage) {
    return new StageConfig.RewardModel(
        Objects.requireNonNullElse(stage.rewardCentering, Defaults.REWARD_CENTERING),
        Objects.requireNonNullElse(stage.rewardSftWeight, Defaults.REWARD_SFT_WEIGHT));
  }

  private static StageConfig.Ppo ppo(StageSpec stage) {
    return new StageConfig.Ppo(
        Objects.requireNonNullElse(stage.klCoef, Defaults.KL_COEF),
        stage.klTarget,
        Objects.requireNonNullElse(stage.clipRange, Defaults.CLIP_RANGE),
        Objects.requireNonNullElse(stage.valueClipRange, Defaults.VALUE_CLIP_RANGE),
        Objects.requireNonNullElse(stage.gamma, Defaults.GAMMA),
        Objects.requireNonNullElse(stage.lambda, Defaults.LAMBDA),
        Objects.requireNonNullElse(stage.ppoEpochs, Defaults.PPO_EPOCHS),
        Objects.requireNonNullElse(stage.rolloutSize, Defaults.ROLLOUT_SIZE),
        Objects.requireNonNullElse(stage.maxNewTokens, Defaults.MAX_NEW_TOKENS),
        Objects.requireNonNullElse(stage.temperature, Defaults.TEMPERATURE),
        Objects.requireNonNullElse(stage.topK, Defaults.TOP_K));
  }
}
