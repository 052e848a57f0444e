package dev.emergent.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Next-token batches cut from a corpus: every position counts. */
public final class PretrainingBatches extends SeededRows {
  private final TextCorpus corpus;

  public PretrainingBatches(TextCorpus corpus, long seed, int time) {
    super(seed, time);
    this.corpus = corpus;
  }

  @Override
  void row(
      SplittableRandom random,
      boolean heldOut,
      int at,
      int[] inputs,
      int[] targets,
      double[] weights) {
    int[] window = new int[time + 1];
    corpus.fill(window, random, heldOut);
    System.arraycopy(window, 0, inputs, at, time);
    System.arraycopy(window, 1, targets, at, time);
    Arrays.fill(weights, at, at + time, 1);
  }
}
