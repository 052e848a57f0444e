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
import dev.emergent.trainer.run.Training;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Full training steps (forward, backward, clipping, AdamW) of a GPT of a given shape on 2-digit
 * arithmetic, from a seeded initialisation, on any {@link Compute}: the same run on two backends
 * gives the same losses up to rounding, which is how a backend is checked against the CPU's.
 *
 * <p>Usage: ReferenceTraining LAYERS D_MODEL HEADS CONTEXT BATCH STEPS, on the CPU; prints one JSON
 * line with every step's loss and the tokens per second after the first step.
 */
public final class ReferenceTraining {
  private static final long SEED = 1234;

  /** The shape of a run: a GPT of {@code layers} × {@code dModel}, batches of batch × context. */
  public record Shape(int layers, int dModel, int heads, int context, int batch) {
    /** LAYERS D_MODEL HEADS CONTEXT BATCH, the first five of {@code args}. */
    public static Shape of(String[] args) {
      return new Shape(
          Integer.parseInt(args[0]),
          Integer.parseInt(args[1]),
          Integer.parseInt(args[2]),
          Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "(%d layers, d_model %d, %d heads, context %d, batch %d)",
          layers,
          dModel,
          heads,
          context,
          batch);
    }
  }

  /** Each step's loss, and the tokens per second of the steps after the first {@code warmup}. */
  public record Result(List<Double> losses, double tokensPerSecond, long parameters) {
    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"losses\": [%s], \"tokensPerSecond\": %.1f, \"parameters\": %d}",
          losses.stream()
              .map(l -> String.format(Locale.ROOT, "%.9g", l))
              .collect(Collectors.joining(", ")),
          tokensPerSecond,
          parameters);
    }
  }

  private ReferenceTraining() {}

  public static void main(String[] args) {
    Shape shape = Shape.of(args);
    System.out.println(
        run(Compute.cpu(DataType.FLOAT), shape, 1, Integer.parseInt(args[5])).json());
  }

  /** {@code warmup} untimed steps, then {@code steps} timed ones; losses of all of them. */
  public static Result run(Compute compute, Shape shape, int warmup, int steps) {
    StageConfig.Model model =
        new StageConfig.Model(
            shape.layers(),
            shape.dModel(),
            shape.heads(),
            4 * shape.dModel(),
            shape.context(),
            "bytes",
            Tokens.SIZE,
            320,
            null);
    StageConfig config =
        new StageConfig(
            "bench",
            "pretrain",
            StageType.Pretrain,
            0,
            SEED,
            model,
            new ResolvedMesh(List.of(new ResolvedMesh.Axis("data", 1)), 1, 1, Device.CPU),
            new StageConfig.Data("arithmetic", null, 2, 0.1),
            warmup + steps,
            shape.batch(),
            shape.batch(),
            1,
            new StageConfig.Optimizer(
                3e-4, 0, LearningRateDecay.CONSTANT, 1, 0.1, 1, 0.9, 0.95, 1e-8),
            1,
            new StageConfig.Checkpoint("bench/pretrain", 1, 1),
            StageConfig.Inputs.NONE,
            null,
            null);
    Gpt gpt = new Gpt(ModelShape.of(model), compute);
    gpt.parameters().initialize(SEED);
    AdamW adam = new AdamW(gpt.parameters(), 0.9, 0.95, 1e-8, 0.1);
    PretrainingBatches data =
        new PretrainingBatches(
            new ArithmeticCorpus(new ArithmeticTask(2, SEED, 0.1), BpeTokenizer.bytes()),
            SEED,
            shape.context());
    Training training = new Training(config, gpt, adam, data);
    List<Double> losses = new ArrayList<>();
    for (int step = 0; step < warmup; step++) {
      losses.add(training.step(step).loss());
    }
    long start = System.nanoTime();
    for (int step = warmup; step < warmup + steps; step++) {
      losses.add(training.step(step).loss());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        losses,
        (double) steps * shape.batch() * shape.context() / seconds,
        gpt.parameters().count());
  }
}
