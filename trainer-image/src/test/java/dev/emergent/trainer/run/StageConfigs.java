package dev.emergent.trainer.run;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.LearningRateDecay;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import java.util.List;

/** Stage configs for trainer tests: small models, the planner's layout, arithmetic data. */
public final class StageConfigs {
  private StageConfigs() {}

  public static StageConfig pretrain(
      int layers, int dModel, int heads, int context, int steps, int batch, int micro, double lr) {
    return stage(
        "test",
        "pretrain",
        StageType.Pretrain,
        StageConfig.Inputs.NONE,
        layers,
        dModel,
        heads,
        context,
        steps,
        batch,
        micro,
        lr,
        0,
        0);
  }

  /**
   * The same stage on a data × model mesh of one pod per device: the global batch is unchanged and
   * split over the data ranks.
   */
  public static StageConfig onMesh(StageConfig c, int data, int model) {
    return onMesh(c, data, model, 1);
  }

  /** The same stage on a data × model mesh of pods with {@code devicesPerPod} devices each. */
  public static StageConfig onMesh(StageConfig c, int data, int model, int devicesPerPod) {
    ResolvedMesh mesh =
        new ResolvedMesh(
            List.of(new ResolvedMesh.Axis("data", data), new ResolvedMesh.Axis("model", model)),
            data * model / devicesPerPod,
            devicesPerPod,
            Device.CPU);
    return with(c, c.model(), mesh, c.data(), c.batchSize() / data, 1, c.checkpoint());
  }

  /** The same stage on the same mesh of {@code device}s. */
  public static StageConfig onDevice(StageConfig c, Device device) {
    ResolvedMesh m = c.mesh();
    return with(
        c,
        c.model(),
        new ResolvedMesh(m.axes(), m.pods(), m.devicesPerPod(), device),
        c.data(),
        c.microBatchSize(),
        c.gradientAccumulation(),
        c.checkpoint());
  }

  /** The same stage with a BPE tokenizer of {@code vocabSize} ids from {@code path}. */
  public static StageConfig withTokenizer(StageConfig c, String path, int vocabSize) {
    StageConfig.Model m = c.model();
    return with(
        c,
        new StageConfig.Model(
            m.layers(),
            m.dModel(),
            m.heads(),
            m.ffn(),
            m.contextLength(),
            StageConfig.Model.BPE,
            vocabSize,
            (vocabSize + 63) / 64 * 64,
            path),
        c.mesh(),
        c.data(),
        c.microBatchSize(),
        c.gradientAccumulation(),
        c.checkpoint());
  }

  /** The same stage reading {@code data}. */
  public static StageConfig withData(StageConfig c, StageConfig.Data data) {
    return with(
        c, c.model(), c.mesh(), data, c.microBatchSize(), c.gradientAccumulation(), c.checkpoint());
  }

  /** The same stage with a checkpoint every {@code steps} steps, the last two kept. */
  public static StageConfig checkpointEvery(StageConfig c, int steps) {
    return with(
        c,
        c.model(),
        c.mesh(),
        c.data(),
        c.microBatchSize(),
        c.gradientAccumulation(),
        new StageConfig.Checkpoint(c.checkpoint().directory(), steps, 2));
  }

  private static StageConfig with(
      StageConfig c,
      StageConfig.Model model,
      ResolvedMesh mesh,
      StageConfig.Data data,
      int microBatchSize,
      int gradientAccumulation,
      StageConfig.Checkpoint checkpoint) {
    return new StageConfig(
        c.run(),
        c.stage(),
        c.type(),
        c.index(),
        c.seed(),
        model,
        mesh,
        data,
        c.steps(),
        c.batchSize(),
        microBatchSize,
        gradientAccumulation,
        c.optimizer(),
        c.evalEverySteps(),
        checkpoint,
        c.inputs(),
        c.ppo(),
        c.rewardModel());
  }

  /** A 1-layer, 4-step stage of any run, name, type and inputs. */
  public static StageConfig tiny(
      String run, String stage, StageType type, StageConfig.Inputs inputs) {
    return stage(run, stage, type, inputs, 1, 16, 2, 8, 4, 2, 2, 1e-3, 0, 0);
  }

  /** A 1-layer reward model trained from scratch, with a reward-centering weight. */
  public static StageConfig rewardModel(int steps, double lr, double centering) {
    return rewardModel(steps, lr, centering, 0);
  }

  /** The same, with the weight of its SFT term. */
  public static StageConfig rewardModel(int steps, double lr, double centering, double sftWeight) {
    return stage(
        "test",
        "reward",
        StageType.RewardModel,
        StageConfig.Inputs.NONE,
        1,
        16,
        2,
        16,
        steps,
        8,
        8,
        lr,
        centering,
        sftWeight);
  }

  private static StageConfig stage(
      String run,
      String stage,
      StageType type,
      StageConfig.Inputs inputs,
      int layers,
      int dModel,
      int heads,
      int context,
      int steps,
      int batch,
      int micro,
      double lr,
      double centering,
      double sftWeight) {
    return new StageConfig(
        run,
        stage,
        type,
        0,
        1234,
        new StageConfig.Model(layers, dModel, heads, 4 * dModel, context, "bytes", 261, 320, null),
        new ResolvedMesh(List.of(new ResolvedMesh.Axis("data", 1)), 1, 1, Device.CPU),
        new StageConfig.Data("arithmetic", null, 2, 0.1),
        steps,
        batch,
        micro,
        batch / micro,
        new StageConfig.Optimizer(
            lr,
            Math.min(100, steps / 10),
            LearningRateDecay.COSINE,
            0.1,
            0.1,
            1.0,
            0.9,
            0.95,
            1e-8),
        Math.max(1, steps / 2),
        new StageConfig.Checkpoint(run + "/" + stage, Math.max(1, steps / 2), 2),
        inputs,
        null,
        type == StageType.RewardModel ? new StageConfig.RewardModel(centering, sftWeight) : null);
  }
}
