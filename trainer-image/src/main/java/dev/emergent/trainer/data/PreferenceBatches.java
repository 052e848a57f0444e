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

  /**
   * Token ids [2·pairs, T] flattened (T up to the context), and the flat index of each row's END.
   */
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

  /**
   * The rows of {@code count} pairs, as long as the longest of them: the reward is read at each
   * row's last token, which a causal model computes without the padding after it.
   */
  private Pairs rows(boolean heldOut, long stream, int first, int count) {
    int[][] sequences = new int[2 * count][];
    for (int p = 0; p < count; p++) {
      PostTrainingData.Preference pair =
          data.preference(new SplittableRandom(Seeds.mix(seed, stream, first + p)), heldOut);
      sequences[2 * p] = format.withCompletion(pair.prompt(), pair.chosen());
      sequences[2 * p + 1] = format.withCompletion(pair.prompt(), pair.rejected());
    }
    int used = 1;
    for (int[] sequence : sequences) {
      used = Math.max(used, PromptFormat.scorePosition(sequence, time) + 1);
    }
    int[] ids = new int[sequences.length * used];
    int[] last = new int[sequences.length];
    for (int row = 0; row < sequences.length; row++) {
      System.arraycopy(PromptFormat.fit(sequences[row], time), 0, ids, row * used, used);
      last[row] = row * used + PromptFormat.scorePosition(sequences[row], time);
    }
    return new Pairs(count, used, ids, last);
  }
}
