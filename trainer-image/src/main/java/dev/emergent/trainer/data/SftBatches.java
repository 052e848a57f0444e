package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.model.Batch;
import java.util.SplittableRandom;

/**
 * Supervised fine-tuning batches: one demonstration per row, BEGIN PROMPT prompt RESPONSE
 * completion END, padded; only the positions that predict the completion and its END count.
 */
public final class SftBatches implements StepBatches {
  private static final long EVAL_STREAM = -1;
  private final PostTrainingData.Demonstrations data;
  private final long seed;
  private final int time;

  public SftBatches(PostTrainingData.Demonstrations data, long seed, int time) {
    this.data = data;
    this.seed = seed;
    this.time = time;
  }

  @Override
  public Batch train(long step, int first, int count) {
    return rows(false, step, first, count);
  }

  @Override
  public Batch heldOut(int index, int first, int count) {
    return rows(true, EVAL_STREAM - index, first, count);
  }

  private Batch rows(boolean heldOut, long stream, int first, int count) {
    int[] inputs = new int[count * time];
    int[] targets = new int[count * time];
    double[] weights = new double[count * time];
    for (int r = 0; r < count; r++) {
      PostTrainingData.Demonstration d =
          data.demonstration(new SplittableRandom(Seeds.mix(seed, stream, first + r)), heldOut);
      int promptLength = PromptFormat.prompt(d.prompt()).length;
      int[] full = PromptFormat.withCompletion(d.prompt(), d.completion());
      int cut = Math.max(0, full.length - (time + 1));
      int[] window = PromptFormat.fit(full, time + 1);
      for (int t = 0; t < time; t++) {
        inputs[r * time + t] = window[t];
        targets[r * time + t] = window[t + 1];
        boolean completion = t + 1 + cut >= promptLength;
        weights[r * time + t] = completion && window[t + 1] != Tokens.PADDING ? 1 : 0;
      }
    }
    return new Batch(count, time, inputs, targets, weights);
  }
}
