package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
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
   * Token ids [2·pairs, T] flattened (T up to the context), the flat index of each row's last
   * completion token, and each position's next token with a weight of 1 where it is a token of a
   * chosen completion or its END (the chosen answers as demonstrations), 0 elsewhere.
   */
  public record Pairs(
      int pairs, int time, int[] ids, int[] last, int[] targets, double[] chosenWeights) {}

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
    int[] promptLengths = new int[count];
    for (int p = 0; p < count; p++) {
      PostTrainingData.Preference pair =
          data.preference(new SplittableRandom(Seeds.mix(seed, stream, first + p)), heldOut);
      sequences[2 * p] = format.withCompletion(pair.prompt(), pair.chosen());
      sequences[2 * p + 1] = format.withCompletion(pair.prompt(), pair.rejected());
      promptLengths[p] = format.prompt(pair.prompt()).length;
    }
    int used = 1;
    for (int[] sequence : sequences) {
      used = Math.max(used, PromptFormat.scorePosition(sequence, time) + 1);
    }
    int[] ids = new int[sequences.length * used];
    int[] last = new int[sequences.length];
    int[] targets = new int[ids.length];
    double[] chosenWeights = new double[ids.length];
    for (int row = 0; row < sequences.length; row++) {
      int[] fitted = PromptFormat.fit(sequences[row], time);
      System.arraycopy(fitted, 0, ids, row * used, used);
      last[row] = row * used + PromptFormat.scorePosition(sequences[row], time);
      int completion = promptLengths[row / 2] - Math.max(0, sequences[row].length - time);
      for (int t = 0; t < used && t + 1 < time; t++) {
        targets[row * used + t] = fitted[t + 1];
        boolean chosen = row % 2 == 0 && t + 1 >= completion && fitted[t + 1] != Tokens.PADDING;
        chosenWeights[row * used + t] = chosen ? 1 : 0;
      }
    }
    return new Pairs(count, used, ids, last, targets, chosenWeights);
  }
}
