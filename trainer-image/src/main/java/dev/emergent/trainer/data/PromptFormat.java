package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.Arrays;

/**
 * Prompted sequences: BEGIN PROMPT prompt RESPONSE completion END, the text in the stage's
 * vocabulary; the special tokens have the same ids in every vocabulary.
 */
public final class PromptFormat {
  private final BpeTokenizer tokenizer;

  public PromptFormat(BpeTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  public BpeTokenizer tokenizer() {
    return tokenizer;
  }

  /** The tokens a model sees before it answers. */
  public int[] prompt(String prompt) {
    int[] text = tokenizer.encode(prompt);
    int[] ids = new int[text.length + 3];
    ids[0] = Tokens.BEGIN;
    ids[1] = Tokens.PROMPT;
    System.arraycopy(text, 0, ids, 2, text.length);
    ids[ids.length - 1] = Tokens.RESPONSE;
    return ids;
  }

  /** Prompt, completion and END. */
  public int[] withCompletion(String prompt, String completion) {
    int[] head = prompt(prompt);
    int[] tail = tokenizer.encode(completion);
    int[] ids = Arrays.copyOf(head, head.length + tail.length + 1);
    System.arraycopy(tail, 0, ids, head.length, tail.length);
    ids[ids.length - 1] = Tokens.END;
    return ids;
  }

  /**
   * Where a reward is read in a sequence of {@code length} tokens fitted into {@code time}: the
   * last completion token, whose hidden state SFT trained to predict END after a complete answer,
   * or the last token when the sequence has no END.
   */
  public static int scorePosition(int[] sequence, int time) {
    int length = Math.min(sequence.length, time);
    boolean ended = sequence.length <= time && sequence[sequence.length - 1] == Tokens.END;
    return ended && length >= 2 ? length - 2 : length - 1;
  }

  /**
   * Fits a sequence into {@code length} tokens: padded with PADDING, or cut from the left so that
   * the completion and its END survive.
   */
  public static int[] fit(int[] ids, int length) {
    int[] fitted = new int[length];
    Arrays.fill(fitted, Tokens.PADDING);
    int keep = Math.min(ids.length, length);
    System.arraycopy(ids, ids.length - keep, fitted, 0, keep);
    return fitted;
  }
}
