package dev.emergent.plan;

import dev.emergent.api.v1alpha1.DataSpec;
import dev.emergent.api.v1alpha1.MeshAxis;
import dev.emergent.api.v1alpha1.ScheduleSpec;
import dev.emergent.api.v1alpha1.StageSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The table of invalid specs: each changes one thing in {@link Specs#FOUR_STAGES} and names the
 * exact message the planner gives and who else refuses it at admission: a CEL rule (with its
 * message), an OpenAPI bound of the schema, or nobody but the planner.
 */
final class InvalidSpecs {

  /** Who refuses a spec at {@code kubectl apply} time, before the planner sees it. */
  enum Admission {
    CEL,
    SCHEMA
  }

  private static final String BATCH_RULE =
      "batchSize (default 32) must be divisible by the size of the stage mesh's axis 'data' ×"
          + " microBatchSize";
  private static final String PPO_MESH_RULE =
      "a PPO stage runs on a data axis only: its mesh's axis 'model' must be 1 (give the stage its"
          + " own mesh)";

  record Case(
      String description,
      Consumer<TrainingRun> change,
      String plannerMessage,
      Admission admission,
      String celMessage) {

    TrainingRun run() {
      TrainingRun run = Specs.fourStages();
      change.accept(run);
      return run;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        schema(
            "no stages",
            r -> r.getSpec().stages = List.of(),
            "spec.stages: must have 1 to 16 items, got 0"));
    cases.add(
        cel(
            "duplicate axis names",
            r -> r.getSpec().mesh.axes = List.of(new MeshAxis("data", 2), new MeshAxis("data", 2)),
            "spec.mesh.axes[1].name: axis names must be unique, \"data\" repeats",
            "axis names must be unique"));
    cases.add(
        schema(
            "more axes than there are axis names",
            r ->
                r.getSpec().mesh.axes =
                    List.of(
                        new MeshAxis("data", 1), new MeshAxis("model", 1), new MeshAxis("data", 1)),
            "spec.mesh.axes: must have 1 to 2 items, got 3"));
    cases.add(
        schema(
            "empty axis name",
            r -> r.getSpec().mesh.axes.get(0).name = "",
            "spec.mesh.axes[0].name: must be 1 to 32 characters, got 0"));
    cases.add(
        cel(
            "axis size 0",
            r -> r.getSpec().mesh.axes.get(1).size = 0,
            "spec.mesh.axes[1].size: must be between 1 and 4096, or -1 to fill in from pods ×"
                + " devicesPerPod, got 0",
            "size must be a positive integer, or -1 to fill in from pods × devicesPerPod"));
    cases.add(
        cel(
            "two axes of size -1",
            r -> {
              r.getSpec().mesh.axes.forEach(a -> a.size = -1);
              r.getSpec().mesh.pods = 4;
            },
            "spec.mesh.axes: at most one axis size may be -1, got 2",
            "at most one axis size may be -1"));
    cases.add(
        cel(
            "size -1 without pods",
            r -> r.getSpec().mesh.axes.get(0).size = -1,
            "spec.mesh.pods: required when an axis size is -1",
            "pods is required when an axis size is -1"));
    cases.add(
        cel(
            "size -1 that does not divide",
            r -> {
              r.getSpec().mesh.axes.get(0).size = -1;
              r.getSpec().mesh.pods = 3;
            },
            "spec.mesh.axes: pods × devicesPerPod (3) is not divisible by the product of the other"
                + " axis sizes (2)",
            "pods × devicesPerPod must be divisible by the product of the other axis sizes"));
    cases.add(
        cel(
            "pods that do not match the axes",
            r -> r.getSpec().mesh.pods = 3,
            "spec.mesh.pods: the product of the axis sizes (4) must equal pods × devicesPerPod (3 ×"
                + " 1)",
            "the product of the axis sizes must equal pods × devicesPerPod"));
    cases.add(
        cel(
            "devicesPerPod that does not divide the devices",
            r -> r.getSpec().mesh.devicesPerPod = 3,
            "spec.mesh.devicesPerPod: must divide the device count (4), got 3",
            "devicesPerPod must divide the device count (the product of the axis sizes)"));
    cases.add(
        cel(
            "unknown axis name",
            r -> r.getSpec().mesh.axes.get(0).name = "pipeline",
            "spec.mesh.axes[0].name: unknown axis \"pipeline\" (supported: data, model)",
            "name must be one of data, model"));
    cases.add(
        cel(
            "heads not divisible by the model axis",
            r -> {
              r.getSpec().mesh.axes = List.of(new MeshAxis("data", 1), new MeshAxis("model", 3));
              r.getSpec().model.ffn = 258;
            },
            "spec.model.heads: must be divisible by the size of the mesh axis 'model' of spec.mesh"
                + " (3), got 4",
            "model.heads must be divisible by the size of the mesh axis 'model'"));
    cases.add(
        cel(
            "heads not divisible by a stage's model axis",
            r -> {
              var mesh = new dev.emergent.api.v1alpha1.MeshSpec();
              mesh.axes = List.of(new MeshAxis("model", 8));
              r.getSpec().stages.get(2).mesh = mesh;
            },
            "spec.model.heads: must be divisible by the size of the mesh axis 'model' of"
                + " spec.stages[2].mesh (8), got 4",
            "model.heads must be divisible by the size of the mesh axis 'model'"));
    cases.add(
        cel(
            "heads not divisible by an inferred model axis",
            r -> {
              r.getSpec().mesh.axes = List.of(new MeshAxis("data", 1), new MeshAxis("model", -1));
              r.getSpec().mesh.pods = 3;
              r.getSpec().model.ffn = 258;
            },
            "spec.model.heads: must be divisible by the size of the mesh axis 'model' of spec.mesh"
                + " (3), got 4",
            "model.heads must be divisible by the size of the mesh axis 'model'"));
    cases.add(
        cel(
            "MLP width not divisible by the model axis",
            r -> r.getSpec().model.ffn = 255,
            "spec.model: the MLP width (255) must be divisible by the size of the mesh axis 'model'"
                + " of spec.mesh (2)",
            "the MLP width (model.ffn, or ffnMultiplier × dModel) must be divisible by the size of"
                + " the mesh axis 'model'"));
    cases.add(
        cel(
            "dModel not divisible by heads",
            r -> r.getSpec().model.dModel = 66,
            "spec.model.dModel: must be divisible by heads (4), got 66",
            "dModel must be divisible by heads"));
    cases.add(
        cel(
            "both ffn and ffnMultiplier",
            r -> {
              r.getSpec().model.ffn = 256;
              r.getSpec().model.ffnMultiplier = 4;
            },
            "spec.model.ffn: set ffn or ffnMultiplier, not both",
            "set ffn or ffnMultiplier, not both"));
    cases.add(
        cel(
            "both vocab and tokenizer",
            r -> {
              r.getSpec().model.vocab = dev.emergent.api.v1alpha1.Vocabulary.BYTES;
              r.getSpec().model.tokenizer = new dev.emergent.api.v1alpha1.TokenizerSpec();
              r.getSpec().model.tokenizer.path = "tokenizer.json";
              r.getSpec().model.tokenizer.vocabSize = 8192;
            },
            "spec.model.tokenizer: set vocab or tokenizer, not both",
            "set vocab or tokenizer, not both"));
    cases.add(
        schema(
            "a tokenizer without room for merges",
            r -> {
              r.getSpec().model.tokenizer = new dev.emergent.api.v1alpha1.TokenizerSpec();
              r.getSpec().model.tokenizer.path = "tokenizer.json";
              r.getSpec().model.tokenizer.vocabSize = 100;
            },
            "spec.model.tokenizer.vocabSize: must be between 262 and 1048576, got 100"));
    cases.add(
        schema(
            "zero layers",
            r -> r.getSpec().model.layers = 0,
            "spec.model.layers: must be between 1 and 256, got 0"));
    cases.add(
        schema(
            "too many layers",
            r -> r.getSpec().model.layers = 1000,
            "spec.model.layers: must be between 1 and 256, got 1000"));
    cases.add(
        schema(
            "no context length",
            r -> r.getSpec().model.contextLength = null,
            "spec.model.contextLength: required"));
    cases.add(
        cel(
            "duplicate stage names",
            r -> r.getSpec().stages.get(3).name = "reward",
            "spec.stages[3].name: stage names must be unique, \"reward\" repeats",
            "stage names must be unique"));
    cases.add(
        schema(
            "stage name that is not a DNS label",
            r -> r.getSpec().stages.get(3).name = "PPO",
            "spec.stages[3].name: must be a DNS label, got \"PPO\""));
    cases.add(
        schema(
            "stage name longer than 40",
            r -> r.getSpec().stages.get(3).name = "p".repeat(41),
            "spec.stages[3].name: must be 1 to 40 characters, got 41"));
    cases.add(
        cel(
            "from a later stage",
            r -> r.getSpec().stages.get(1).from = "reward",
            "spec.stages[1].from: must name an earlier stage, \"reward\" is not one",
            "from must name an earlier Pretrain or SFT stage"));
    cases.add(
        cel(
            "from a stage of the wrong type",
            r -> r.getSpec().stages.add(stage("sft2", StageType.SFT, s -> s.from = "reward")),
            "spec.stages[4].from: must name a Pretrain or SFT stage, \"reward\" is of type"
                + " RewardModel",
            "from must name an earlier Pretrain or SFT stage"));
    cases.add(
        cel(
            "rewardFrom a stage that is no reward model",
            r -> r.getSpec().stages.get(3).rewardFrom = "sft",
            "spec.stages[3].rewardFrom: must name a RewardModel stage, \"sft\" is of type SFT",
            "rewardFrom must name an earlier RewardModel stage"));
    cases.add(
        cel(
            "policyFrom a reward model",
            r -> r.getSpec().stages.get(3).policyFrom = "reward",
            "spec.stages[3].policyFrom: must name an SFT or Pretrain stage, \"reward\" is of type"
                + " RewardModel",
            "policyFrom must name an earlier SFT or Pretrain stage"));
    cases.add(
        cel(
            "PPO without a reward model",
            r -> r.getSpec().stages.get(3).rewardFrom = null,
            "spec.stages[3]: a PPO stage needs exactly one of rewardFrom and rewardFromCheckpoint",
            "a PPO stage needs exactly one of rewardFrom and rewardFromCheckpoint"));
    cases.add(
        cel(
            "PPO with both policyFrom and policyFromCheckpoint",
            r -> r.getSpec().stages.get(3).policyFromCheckpoint = "other/sft/latest",
            "spec.stages[3]: a PPO stage needs exactly one of policyFrom and policyFromCheckpoint",
            "a PPO stage needs exactly one of policyFrom and policyFromCheckpoint"));
    cases.add(
        cel(
            "SFT without an input",
            r -> r.getSpec().stages.get(1).from = null,
            "spec.stages[1]: SFT and RewardModel stages need exactly one of from and fromCheckpoint",
            "SFT and RewardModel stages need exactly one of from and fromCheckpoint"));
    cases.add(
        cel(
            "Pretrain from another stage",
            r -> r.getSpec().stages.get(0).from = "sft",
            "spec.stages[0].from: a Pretrain stage starts from scratch or from fromCheckpoint, not"
                + " from another stage",
            "a Pretrain stage starts from scratch or from fromCheckpoint, not from another stage"));
    cases.add(
        cel(
            "rewardFrom on an SFT stage",
            r -> r.getSpec().stages.get(1).rewardFrom = "x",
            "spec.stages[1]: policyFrom, policyFromCheckpoint, rewardFrom and rewardFromCheckpoint"
                + " apply only to PPO stages",
            "policyFrom, policyFromCheckpoint, rewardFrom and rewardFromCheckpoint apply only to PPO"
                + " stages"));
    cases.add(
        cel(
            "rewardCentering on a PPO stage",
            r -> r.getSpec().stages.get(3).rewardCentering = 0.01,
            "spec.stages[3]: rewardCentering and rewardSftWeight apply only to RewardModel stages",
            "rewardCentering and rewardSftWeight apply only to RewardModel stages"));
    cases.add(
        cel(
            "rewardSftWeight on an SFT stage",
            r -> r.getSpec().stages.get(1).rewardSftWeight = 0.3,
            "spec.stages[1]: rewardCentering and rewardSftWeight apply only to RewardModel stages",
            "rewardCentering and rewardSftWeight apply only to RewardModel stages"));
    cases.add(
        cel(
            "klCoef on an SFT stage",
            r -> r.getSpec().stages.get(1).klCoef = 0.1,
            "spec.stages[1]: klCoef, klTarget, clipRange, valueClipRange, gamma, lambda, ppoEpochs,"
                + " rolloutSize, maxNewTokens, temperature and topK apply only to PPO stages",
            "klCoef, klTarget, clipRange, valueClipRange, gamma, lambda, ppoEpochs, rolloutSize,"
                + " maxNewTokens, temperature and topK apply only to PPO stages"));
    cases.add(
        schema(
            "checkpoint path that climbs out",
            r -> {
              r.getSpec().stages.get(1).from = null;
              r.getSpec().stages.get(1).fromCheckpoint = "../other-team/sft/latest";
            },
            "spec.stages[1].fromCheckpoint: must be a relative path below the volume"
                + " root, got \"../other-team/sft/latest\""));
    cases.add(
        schema(
            "zero steps",
            r -> r.getSpec().stages.get(0).steps = 0,
            "spec.stages[0].steps: must be between 1 and 100000000, got 0"));
    cases.add(
        schema(
            "zero learning rate",
            r -> r.getSpec().stages.get(0).learningRate = 0.0,
            "spec.stages[0].learningRate: must be greater than 0 and at most 1, got 0"));
    cases.add(
        schema(
            "negative batch size",
            r -> r.getSpec().stages.get(0).batchSize = -4,
            "spec.stages[0].batchSize: must be between 1 and 1048576, got -4"));
    cases.add(
        cel(
            "batch not divisible by data × microBatchSize",
            r -> r.getSpec().stages.get(0).microBatchSize = 3,
            "spec.stages[0].batchSize: must be divisible by data × microBatchSize (2 × 3 = 6), got"
                + " 32",
            BATCH_RULE));
    cases.add(
        cel(
            "micro-batch larger than the batch",
            r -> r.getSpec().stages.get(0).microBatchSize = 64,
            "spec.stages[0].microBatchSize: must not exceed batchSize (32), got 64",
            "microBatchSize must not exceed batchSize (default 32)"));
    cases.add(
        cel(
            "batch not divisible by an inferred data axis",
            r -> {
              r.getSpec().stages.get(0).mesh = new dev.emergent.api.v1alpha1.MeshSpec();
              r.getSpec().stages.get(0).mesh.axes = List.of(new MeshAxis("data", -1));
              r.getSpec().stages.get(0).mesh.pods = 6;
            },
            "spec.stages[0].batchSize: must be divisible by the size of the mesh axis 'data' (6),"
                + " got 32",
            BATCH_RULE));
    cases.add(
        cel(
            "batch not divisible by microBatchSize on a mesh without a data axis",
            r -> {
              r.getSpec().stages.get(0).mesh = new dev.emergent.api.v1alpha1.MeshSpec();
              r.getSpec().stages.get(0).mesh.axes = List.of(new MeshAxis("model", 1));
              r.getSpec().stages.get(0).microBatchSize = 3;
            },
            "spec.stages[0].batchSize: must be divisible by data × microBatchSize (1 × 3 = 3), got"
                + " 32",
            BATCH_RULE));
    cases.add(
        cel(
            "batch not divisible by the data axis",
            r -> r.getSpec().stages.get(0).batchSize = 33,
            "spec.stages[0].batchSize: must be divisible by the size of the mesh axis 'data' (2),"
                + " got 33",
            BATCH_RULE));
    cases.add(
        cel(
            "warmup longer than the stage",
            r -> {
              r.getSpec().stages.get(0).schedule = new ScheduleSpec();
              r.getSpec().stages.get(0).schedule.warmupSteps = 200;
            },
            "spec.stages[0].schedule.warmupSteps: must not exceed steps (100), got 200",
            "schedule.warmupSteps must not exceed steps"));
    cases.add(
        cel(
            "rollout not a multiple of the PPO batch",
            r -> r.getSpec().stages.get(3).rolloutSize = 40,
            "spec.stages[3].rolloutSize: must be a multiple of batchSize (32), got 40",
            "rolloutSize (default 64) must be a multiple of batchSize (default 32)"));
    cases.add(
        cel(
            "responses as long as the context",
            r -> r.getSpec().stages.get(3).maxNewTokens = 32,
            "spec.stages[3].maxNewTokens: must be less than model.contextLength (32), got 32",
            "a PPO stage's maxNewTokens (default 16) must be less than model.contextLength"));
    cases.add(
        cel(
            "PPO on a model axis",
            r -> {
              r.getSpec().stages.get(3).mesh = new dev.emergent.api.v1alpha1.MeshSpec();
              r.getSpec().stages.get(3).mesh.axes =
                  List.of(new MeshAxis("data", 1), new MeshAxis("model", 2));
            },
            "spec.stages[3].mesh: a PPO stage runs on a data axis only: the model axis must be 1"
                + " (give the stage its own mesh), got 2",
            PPO_MESH_RULE));
    cases.add(
        cel(
            "PPO on the run's inferred model axis",
            r -> {
              r.getSpec().mesh.axes = List.of(new MeshAxis("data", 2), new MeshAxis("model", -1));
              r.getSpec().mesh.pods = 4;
              r.getSpec().stages.get(3).mesh = null;
            },
            "spec.mesh: a PPO stage runs on a data axis only: the model axis must be 1 (give the"
                + " stage its own mesh), got 2",
            PPO_MESH_RULE));
    cases.add(
        schema(
            "negative restart budget",
            r -> {
              r.getSpec().failurePolicy = new dev.emergent.api.v1alpha1.FailurePolicy();
              r.getSpec().failurePolicy.maxRestarts = -1;
            },
            "spec.failurePolicy.maxRestarts: must be between 0 and 100, got -1"));
    cases.add(
        schema(
            "negative TTL",
            r -> r.getSpec().ttlSecondsAfterFinished = -5L,
            "spec.ttlSecondsAfterFinished: must be between 0 and 31536000, got -5"));
    cases.add(
        cel(
            "data with both builtin and path",
            r -> r.getSpec().stages.get(0).data.path = "datasets/text.jsonl",
            "spec.stages[0].data: set exactly one of builtin and path",
            "set exactly one of builtin and path"));
    cases.add(
        cel(
            "operandDigits on a JSONL source",
            r -> {
              DataSpec data = r.getSpec().stages.get(0).data;
              data.builtin = null;
              data.path = "datasets/text.jsonl";
              data.operandDigits = 3;
            },
            "spec.stages[0].data.operandDigits: applies only to builtin data",
            "operandDigits applies only to builtin data"));
    cases.add(
        cel(
            "a workload priority without a Kueue queue",
            r -> {
              r.getSpec().scheduling = new dev.emergent.api.v1alpha1.SchedulingSpec();
              r.getSpec().scheduling.workloadPriorityClassName = "training-high";
            },
            "spec.scheduling.workloadPriorityClassName: applies only with queueName (Kueue)",
            "workloadPriorityClassName applies only with queueName (Kueue)"));
    cases.add(
        cel(
            "existing claim and a new volume",
            r -> {
              r.getSpec().checkpoint = new dev.emergent.api.v1alpha1.CheckpointSpec();
              r.getSpec().checkpoint.storage = new dev.emergent.api.v1alpha1.CheckpointStorage();
              r.getSpec().checkpoint.storage.claimName = "shared";
              r.getSpec().checkpoint.storage.size = new Quantity("10Gi");
            },
            "spec.checkpoint.storage: set claimName (an existing claim) or size/storageClassName (a"
                + " new volume), not both",
            "set claimName (an existing claim) or size/storageClassName (a new volume), not both"));
    cases.add(
        schema(
            "volume size that is no quantity",
            r -> {
              r.getSpec().checkpoint = new dev.emergent.api.v1alpha1.CheckpointSpec();
              r.getSpec().checkpoint.storage = new dev.emergent.api.v1alpha1.CheckpointStorage();
              r.getSpec().checkpoint.storage.size = new Quantity("lots");
            },
            "spec.checkpoint.storage.size: must be a quantity such as 10Gi, got \"lots\""));
    cases.add(
        schema(
            "resource request that is no quantity",
            r -> {
              r.getSpec().resources = new dev.emergent.api.v1alpha1.PodResources();
              r.getSpec().resources.requests = java.util.Map.of("memory", new Quantity("2 GB"));
            },
            "spec.resources.requests.memory: must be a quantity such as 10Gi, got \"2 GB\""));
    cases.add(
        schema(
            "stage resource limit that is no quantity",
            r -> {
              r.getSpec().stages.get(2).resources = new dev.emergent.api.v1alpha1.PodResources();
              r.getSpec().stages.get(2).resources.limits =
                  java.util.Map.of("cpu", new Quantity("two"));
            },
            "spec.stages[2].resources.limits.cpu: must be a quantity such as 10Gi, got \"two\""));
    cases.add(
        schema(
            "image that is no image reference",
            r -> r.getSpec().image = "my trainer:latest",
            "spec.image: must be an image reference, got \"my trainer:latest\""));
    return cases;
  }

  private static StageSpec stage(String name, StageType type, Consumer<StageSpec> change) {
    StageSpec stage = new StageSpec();
    stage.name = name;
    stage.type = type;
    stage.data = new DataSpec();
    stage.data.builtin = dev.emergent.api.v1alpha1.BuiltinDataset.ARITHMETIC;
    stage.steps = 10;
    change.accept(stage);
    return stage;
  }

  private static Case cel(
      String description, Consumer<TrainingRun> change, String message, String celMessage) {
    return new Case(description, change, message, Admission.CEL, celMessage);
  }

  private static Case schema(String description, Consumer<TrainingRun> change, String message) {
    return new Case(description, change, message, Admission.SCHEMA, null);
  }

  private InvalidSpecs() {}
}
