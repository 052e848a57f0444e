package dev.emergent.trainer.bench;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.LearningRateDecay;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.data.ArithmeticCorpus;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.run.PeakFlops;
import dev.emergent.trainer.run.Training;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Emergent's side of bench/trainer-throughput: full training steps (forward, backward, clipping,
 * AdamW) of a GPT of the given shape. Prints one JSON line: tokens per second and the GEMM peak.
 * Usage: ThroughputBenchmark LAYERS D_MODEL HEADS CONTEXT BATCH STEPS
 */
public final class ThroughputBenchmark {
  private static final int WARMUP_STEPS = 3;

  private ThroughputBenchmark() {}

  public static void main(String[] args) {
    int layers = Integer.parseInt(args[0]);
    int dModel = Integer.parseInt(args[1]);
    int heads = Integer.parseInt(args[2]);
    int context = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    int steps = Integer.parseInt(args[5]);
    StageConfig.Model model =
        new StageConfig.Model(
            layers, dModel, heads, 4 * dModel, context, "bytes", Tokens.SIZE, 320, null);
    StageConfig config =
        new StageConfig(
            "bench",
            "pretrain",
            StageType.Pretrain,
            0,
            1234,
            model,
            new ResolvedMesh(List.of(new ResolvedMesh.Axis("data", 1)), 1, 1, Device.CPU),
            new StageConfig.Data("arithmetic", null, 2, 0.1),
            WARMUP_STEPS + steps,
            batch,
            batch,
            1,
            new StageConfig.Optimizer(
                3e-4, 0, LearningRateDecay.CONSTANT, 1, 0.1, 1, 0.9, 0.95, 1e-8),
            1,
            new StageConfig.Checkpoint("bench/pretrain", 1, 1),
            StageConfig.Inputs.NONE,
            null,
            null);
    Gpt gpt = new Gpt(ModelShape.of(model), Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(config.seed());
    AdamW adam = new AdamW(gpt.parameters(), 0.9, 0.95, 1e-8, 0.1);
    PretrainingBatches data =
        new PretrainingBatches(
            new ArithmeticCorpus(new ArithmeticTask(2, 1234, 0.1), BpeTokenizer.bytes()),
            1234,
            context);
    Training training = new Training(config, gpt, adam, data);
    for (int step = 0; step < WARMUP_STEPS; step++) {
      training.step(step);
    }
    long start = System.nanoTime();
    for (int step = WARMUP_STEPS; step < WARMUP_STEPS + steps; step++) {
      training.step(step);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "{\"tokensPerSecond\": %.1f, \"peakFlops\": %.1f, \"parameters\": %d}%n",
        (double) steps * batch * context / seconds, PeakFlops.measure(), gpt.parameters().count());
  }
}
