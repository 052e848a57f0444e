package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import java.util.SplittableRandom;

/**
 * Supervised fine-tuning batches: one demonstration per row, BEGIN PROMPT prompt RESPONSE
 * completion END, padded; only the positions that predict the completion and its END count.
 */
public final class SftBatches extends SeededRows {
  private final PostTrainingData.Demonstrations data;
  private final PromptFormat format;

  public SftBatches(
      PostTrainingData.Demonstrations data, long seed, int time, PromptFormat format) {
    super(seed, time);
    this.data = data;
    this.format = format;
  }

  @Override
  void row(
      SplittableRandom random,
      boolean heldOut,
      int at,
      int[] inputs,
      int[] targets,
      double[] weights) {
    PostTrainingData.Demonstration d = data.demonstration(random, heldOut);
    int promptLength = format.prompt(d.prompt()).length;
    int[] full = format.withCompletion(d.prompt(), d.completion());
    int cut = Math.max(0, full.length - (time + 1));
    int[] window = PromptFormat.fit(full, time + 1);
    for (int t = 0; t < time; t++) {
      inputs[at + t] = window[t];
      targets[at + t] = window[t + 1];
      boolean completion = t + 1 + cut >= promptLength;
      weights[at + t] = completion && window[t + 1] != Tokens.PADDING ? 1 : 0;
    }
  }
}
