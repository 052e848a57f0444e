package dev.emergent.trainer.data;

import java.util.SplittableRandom;

/**
 * Reward-model batches: pair p becomes rows 2p (chosen) and 2p+1 (rejected), each BEGIN PROMPT
 * prompt RESPONSE completion END, padded; the reward is read at each row's last completion token.
 */
public final class PreferenceBatches {
  private static final long EVAL_STREAM = -1;
  private final PostTrainingData.Preferences data;
  private final long seed;
  private final int time;
  private final PromptFormat format;

  /** Token ids [2·pairs, T] flattened, and the flat index of each row's END. */
  public record Pairs(int pairs, int time, int[] ids, int[] last) {}

  public PreferenceBatches(
      PostTrainingData.Preferences data, long seed, int time, PromptFormat format) {
    this.format = format;
    this.data = data;
    this.seed = seed;
    this.time = time;
  }

  public PromptFormat format() {
    return format;
  }

  public Pairs train(long step, int first, int count) {
    return rows(false, step, first, count);
  }

  public Pairs heldOut(int index, int first, int count) {
    return rows(true, EVAL_STREAM - index, first, count);
  }

  private Pairs rows(boolean heldOut, long stream, int first, int count) {
    int[] ids = new int[2 * count * time];
    int[] last = new int[2 * count];
    for (int p = 0; p < count; p++) {
      PostTrainingData.Preference pair =
          data.preference(new SplittableRandom(Seeds.mix(seed, stream, first + p)), heldOut);
      put(ids, last, 2 * p, format.withCompletion(pair.prompt(), pair.chosen()));
      put(ids, last, 2 * p + 1, format.withCompletion(pair.prompt(), pair.rejected()));
    }
    return new Pairs(count, time, ids, last);
  }

  private void put(int[] ids, int[] last, int row, int[] sequence) {
    int[] fitted = PromptFormat.fit(sequence, time);
    System.arraycopy(fitted, 0, ids, row * time, time);
    last[row] = row * time + PromptFormat.scorePosition(sequence, time);
  }
}
