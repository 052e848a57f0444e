package dev.emergent.trainer.data;

import dev.emergent.trainer.model.Batch;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Next-token batches cut from a corpus: every position counts. */
public final class PretrainingBatches implements StepBatches {
  private static final long EVAL_STREAM = -1;

  private final TextCorpus corpus;
  private final long seed;
  private final int time;

  public PretrainingBatches(TextCorpus corpus, long seed, int time) {
    this.corpus = corpus;
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
    Arrays.fill(weights, 1);
    int[] window = new int[time + 1];
    for (int r = 0; r < count; r++) {
      corpus.fill(window, new SplittableRandom(Seeds.mix(seed, stream, first + r)), heldOut);
      System.arraycopy(window, 0, inputs, r * time, time);
      System.arraycopy(window, 1, targets, r * time, time);
    }
    return new Batch(count, time, inputs, targets, weights);
  }
}
