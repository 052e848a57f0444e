package dev.emergent.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.LearningRateDecay;
import dev.emergent.api.v1alpha1.MeshAxis;
import dev.emergent.api.v1alpha1.MeshSpec;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerTest {

  @Test
  void plansEveryStageInOrderOnTheRunMesh() {
    RunPlan plan = Planner.plan(Specs.fourStages());

    assertThat(plan.run()).isEqualTo("demo");
    assertThat(plan.stages())
        .extracting(StagePlan::name)
        .containsExactly("pretrain", "sft", "reward", "ppo");
    assertThat(plan.stages())
        .extracting(StagePlan::type)
        .containsExactly(StageType.Pretrain, StageType.SFT, StageType.RewardModel, StageType.PPO);
    StagePlan pretrain = plan.stages().get(0);
    assertThat(pretrain.worldSize()).isEqualTo(4);
    assertThat(pretrain.pods()).isEqualTo(4);
    assertThat(pretrain.mesh().devicesPerPod()).isEqualTo(1);
    assertThat(pretrain.mesh().device()).isEqualTo(Device.CPU);
  }

  @Test
  void ranksAreRowMajorWithTheLastAxisFastest() {
    StagePlan stage = Planner.plan(Specs.fourStages()).stages().get(0);

    assertThat(stage.ranks())
        .extracting(RankPlacement::coordinates)
        .containsExactly(
            Map.of("data", 0, "model", 0),
            Map.of("data", 0, "model", 1),
            Map.of("data", 1, "model", 0),
            Map.of("data", 1, "model", 1));
  }

  @Test
  void ranksFillEachPodBeforeTheNext() {
    TrainingRun run = Specs.fourStages();
    run.getSpec().mesh.pods = 2;
    run.getSpec().mesh.devicesPerPod = 2;

    StagePlan stage = Planner.plan(run).stages().get(0);

    assertThat(stage.ranks()).extracting(RankPlacement::pod).containsExactly(0, 0, 1, 1);
    assertThat(stage.ranks()).extracting(RankPlacement::localRank).containsExactly(0, 1, 0, 1);
    assertThat(stage.ranks().get(3).coordinates()).isEqualTo(Map.of("data", 1, "model", 1));
  }

  @Test
  void fillsInTheAxisOfSizeMinusOne() {
    TrainingRun run = Specs.fourStages();
    run.getSpec().mesh.axes = List.of(new MeshAxis("data", -1), new MeshAxis("model", 2));
    run.getSpec().mesh.pods = 3;
    run.getSpec().mesh.devicesPerPod = 4;
    run.getSpec().stages.forEach(s -> s.batchSize = 24);
    run.getSpec().stages.get(3).rolloutSize = 48;

    ResolvedMesh mesh = Planner.plan(run).stages().get(0).mesh();

    assertThat(mesh.axes())
        .containsExactly(new ResolvedMesh.Axis("data", 6), new ResolvedMesh.Axis("model", 2));
    assertThat(mesh.deviceCount()).isEqualTo(12);
    assertThat(mesh.pods()).isEqualTo(3);
  }

  @Test
  void aStageMeshOverridesTheRunMesh() {
    TrainingRun run = Specs.fourStages();
    MeshSpec single = new MeshSpec();
    single.axes = List.of(new MeshAxis("data", 1));
    run.getSpec().stages.get(3).mesh = single;

    RunPlan plan = Planner.plan(run);

    assertThat(plan.stages().get(2).worldSize()).isEqualTo(4);
    assertThat(plan.stages().get(3).worldSize()).isEqualTo(1);
    assertThat(plan.stages().get(3).config().microBatchSize()).isEqualTo(32);
  }

  @Test
  void aTokenizerSizesTheEmbeddingByItsVocabularyPaddedForTheMesh() {
    var run = Specs.fourStages();
    run.getSpec().model.tokenizer = new dev.emergent.api.v1alpha1.TokenizerSpec();
    run.getSpec().model.tokenizer.path = "tokenizers/fortunes.json";
    run.getSpec().model.tokenizer.vocabSize = 8100;

    StageConfig.Model model = Planner.plan(run).stages().get(0).config().model();

    assertThat(model)
        .isEqualTo(
            new StageConfig.Model(
                2, 64, 4, 256, 32, "bpe", 8100, 8128, "tokenizers/fortunes.json"));
  }

  @Test
  void resolvesEveryDefault() {
    StageConfig pretrain = Planner.plan(Specs.fourStages()).stages().get(0).config();

    assertThat(pretrain.seed()).isEqualTo(Defaults.SEED);
    assertThat(pretrain.model())
        .isEqualTo(new StageConfig.Model(2, 64, 4, 256, 32, "bytes", 261, 320, null));
    assertThat(pretrain.data()).isEqualTo(new StageConfig.Data("arithmetic", null, 2, 0.1));
    assertThat(pretrain.batchSize()).isEqualTo(32);
    assertThat(pretrain.microBatchSize()).isEqualTo(16);
    assertThat(pretrain.gradientAccumulation()).isEqualTo(1);
    assertThat(pretrain.optimizer())
        .isEqualTo(
            new StageConfig.Optimizer(
                3e-4, 10, LearningRateDecay.COSINE, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8));
    assertThat(pretrain.evalEverySteps()).isEqualTo(10);
    assertThat(pretrain.checkpoint())
        .isEqualTo(new StageConfig.Checkpoint("demo/pretrain", 200, 2));
    assertThat(pretrain.inputs()).isEqualTo(StageConfig.Inputs.NONE);
    assertThat(pretrain.ppo()).isNull();

    StageConfig ppo = Planner.plan(Specs.fourStages()).stages().get(3).config();
    assertThat(ppo.optimizer().learningRate()).isEqualTo(1e-5);
    assertThat(ppo.ppo())
        .isEqualTo(new StageConfig.Ppo(0.02, null, 0.2, 0.2, 1.0, 0.95, 4, 64, 16, 1.0, 0));
  }

  @Test
  void gradientAccumulationMakesUpTheBatch() {
    TrainingRun run = Specs.fourStages();
    run.getSpec().stages.get(0).batchSize = 64;
    run.getSpec().stages.get(0).microBatchSize = 8;

    StageConfig config = Planner.plan(run).stages().get(0).config();

    assertThat(config.microBatchSize()).isEqualTo(8);
    assertThat(config.gradientAccumulation()).isEqualTo(4);
  }

  @Test
  void eachStageStartsFromTheCheckpointOfTheStageItNames() {
    RunPlan plan = Planner.plan(Specs.fourStages());

    assertThat(plan.stage("sft").orElseThrow().config().inputs())
        .isEqualTo(new StageConfig.Inputs("demo/pretrain/latest", null, null));
    assertThat(plan.stage("reward").orElseThrow().config().inputs())
        .isEqualTo(new StageConfig.Inputs("demo/sft/latest", null, null));
    assertThat(plan.stage("ppo").orElseThrow().config().inputs())
        .isEqualTo(new StageConfig.Inputs(null, "demo/sft/latest", "demo/reward/latest"));
  }

  @Test
  void publishedCheckpointsReplaceLatest() {
    RunPlan plan = Planner.plan(Specs.fourStages(), Map.of("pretrain", "demo/pretrain/step-100"));

    assertThat(plan.stage("sft").orElseThrow().config().inputs().init())
        .isEqualTo("demo/pretrain/step-100");
  }

  @Test
  void externalCheckpointsAreUsedAsGiven() {
    TrainingRun run = Specs.fourStages();
    run.getSpec().stages = List.of(run.getSpec().stages.get(1));
    run.getSpec().stages.get(0).from = null;
    run.getSpec().stages.get(0).fromCheckpoint = "base/pretrain/step-900";

    assertThat(Planner.plan(run).stages().get(0).config().inputs().init())
        .isEqualTo("base/pretrain/step-900");
  }

  @Test
  void vocabularyIsPaddedForEveryModelAxisOfTheRun() {
    TrainingRun run = Specs.fourStages();
    run.getSpec().model.heads = 8;
    MeshSpec wide = new MeshSpec();
    wide.axes = List.of(new MeshAxis("model", 8));
    run.getSpec().stages.get(0).mesh = wide;
    run.getSpec().stages.get(0).batchSize = 8;

    RunPlan plan = Planner.plan(run);

    assertThat(plan.stages())
        .allSatisfy(s -> assertThat(s.config().model().paddedVocabSize()).isEqualTo(320));
    run.getSpec().model.heads = 128;
    run.getSpec().model.dModel = 128;
    wide.axes = List.of(new MeshAxis("model", 128));
    run.getSpec().model.ffn = 512;
    assertThat(Planner.plan(run).stages().get(1).config().model().paddedVocabSize()).isEqualTo(384);
  }

  @Test
  void cudaPodsGetOneGpuPerDevice() throws Exception {
    StagePlan stage =
        Planner.plan(TrainingRunFiles.read(java.nio.file.Path.of("../examples/gpu-8x8.yaml")))
            .stages()
            .get(0);

    assertThat(stage.resources().getRequests())
        .containsEntry("nvidia.com/gpu", new Quantity("8"))
        .containsEntry("cpu", new Quantity("64"));
    assertThat(stage.resources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("8"))
        .containsEntry("memory", new Quantity("800Gi"));
  }

  @Test
  void cpuPodsGetNoGpu() {
    StagePlan stage = Planner.plan(Specs.fourStages()).stages().get(0);

    assertThat(stage.resources().getRequests()).isEmpty();
    assertThat(stage.resources().getLimits()).isEmpty();
  }

  @Test
  void runSettingsHaveDefaults() {
    RunSettings settings = Planner.plan(Specs.fourStages()).settings();

    assertThat(settings)
        .isEqualTo(
            new RunSettings(null, null, "10Gi", null, null, null, null, 3, 900, null, false, 1234));
  }

  @Test
  void stageConfigIsJsonTheTrainerCanReadBack() throws Exception {
    StageConfig config = Planner.plan(Specs.fourStages()).stages().get(3).config();

    String json = TrainingRunFiles.JSON.writeValueAsString(config);
    JsonNode tree = TrainingRunFiles.JSON.readTree(json);

    assertThat(tree.at("/mesh/axes/1/name").asText()).isEqualTo("model");
    assertThat(tree.at("/mesh/device").asText()).isEqualTo("cpu");
    assertThat(tree.at("/optimizer/decay").asText()).isEqualTo("cosine");
    assertThat(tree.at("/inputs/policy").asText()).isEqualTo("demo/sft/latest");
    assertThat(tree.has("deviceCount")).isFalse();
    assertThat(TrainingRunFiles.JSON.readValue(json, StageConfig.class)).isEqualTo(config);
  }

  @Test
  void launchEnvironmentFollowsTheContract() {
    StagePlan stage = Planner.plan(Specs.fourStages()).stages().get(0);

    Map<String, String> env =
        LaunchEnvironment.common(stage, "/config/stage.json", "demo-0", 29500);

    assertThat(env)
        .containsExactly(
            Map.entry("EMERGENT_STAGE_CONFIG", "/config/stage.json"),
            Map.entry("EMERGENT_WORLD_SIZE", "4"),
            Map.entry("EMERGENT_DEVICES_PER_POD", "1"),
            Map.entry("EMERGENT_DEVICE", "cpu"),
            Map.entry("EMERGENT_COORDINATOR", "demo-0:29500"));
    assertThat(LaunchEnvironment.rank(Map.of("EMERGENT_RANK", "3"))).isEqualTo(3);
    assertThat(
            LaunchEnvironment.rank(
                Map.of(
                    "JOB_COMPLETION_INDEX",
                    "2",
                    "EMERGENT_DEVICES_PER_POD",
                    "8",
                    "EMERGENT_LOCAL_RANK",
                    "5")))
        .isEqualTo(21);
    assertThat(LaunchEnvironment.rank(Map.of("JOB_COMPLETION_INDEX", "2"))).isEqualTo(2);
    assertThat(LaunchEnvironment.rank(Map.of())).isZero();
  }
}
