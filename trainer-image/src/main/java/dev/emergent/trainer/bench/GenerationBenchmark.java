package dev.emergent.trainer.bench;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.generate.Generator;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Emergent's side of bench/generation: greedy decoding of a batch of prompts through {@link
 * Generator} (the trainer's layers with a KV cache). Prints one JSON line: generated tokens per
 * second (the best of {@value #TIMED} runs after {@value #WARM_UP} warm-up runs: the JIT needs a
 * few thousand calls of the decode path's vector kernels before it compiles them with their
 * intrinsics, and a rollout-heavy stage such as PPO runs far more; PyTorch's eager mode has nothing
 * to warm) and how many were generated. Usage: GenerationBenchmark LAYERS D_MODEL HEADS CONTEXT
 * PROMPTS PROMPT_TOKENS NEW_TOKENS
 */
public final class GenerationBenchmark {
  static final int WARM_UP = 30;
  static final int TIMED = 10;

  private GenerationBenchmark() {}

  public static void main(String[] args) {
    int layers = Integer.parseInt(args[0]);
    int dModel = Integer.parseInt(args[1]);
    int heads = Integer.parseInt(args[2]);
    int context = Integer.parseInt(args[3]);
    int prompts = Integer.parseInt(args[4]);
    int promptTokens = Integer.parseInt(args[5]);
    int newTokens = Integer.parseInt(args[6]);
    Gpt gpt =
        new Gpt(
            new ModelShape(layers, dModel, heads, 4 * dModel, context, Tokens.SIZE, 320),
            Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(0);
    SplittableRandom random = new SplittableRandom(0);
    List<Generator.Request> requests = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      int[] prompt = random.ints(promptTokens, 32, 127).toArray();
      requests.add(
          new Generator.Request(prompt, Generator.Sampling.greedy(newTokens), random.split()));
    }
    Generator generator = new Generator(gpt);
    for (int run = 0; run < WARM_UP; run++) {
      generator.completeAll(requests);
    }
    double best = Double.MAX_VALUE;
    long generated = 0;
    for (int run = 0; run < TIMED; run++) {
      long start = System.nanoTime();
      List<Generator.Completion> completions = generator.completeAll(requests);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
      generated = completions.stream().mapToLong(c -> c.tokens().length).sum();
    }
    System.out.printf(
        "{\"tokensPerSecond\": %.1f, \"generated\": %d}%n", generated / best, generated);
  }
}
