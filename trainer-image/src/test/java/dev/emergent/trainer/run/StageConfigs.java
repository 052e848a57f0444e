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
    return new StageConfig(
        "test",
        "pretrain",
        StageType.Pretrain,
        0,
        1234,
        new StageConfig.Model(layers, dModel, heads, 4 * dModel, context, "bytes", 261, 320),
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
        new StageConfig.Checkpoint("test/pretrain", Math.max(1, steps / 2), 2),
        StageConfig.Inputs.NONE,
        null);
  }
}
