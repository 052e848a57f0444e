package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.util.SplittableRandom;

/** Arithmetic problems written out and packed back to back: BEGIN 37+45=82 END BEGIN … */
public final class ArithmeticCorpus implements TextCorpus {
  private final ArithmeticTask task;
  private final BpeTokenizer tokenizer;

  public ArithmeticCorpus(ArithmeticTask task, BpeTokenizer tokenizer) {
    this.task = task;
    this.tokenizer = tokenizer;
  }

  @Override
  public void fill(int[] window, SplittableRandom random, boolean heldOut) {
    int i = 0;
    while (i < window.length) {
      window[i++] = Tokens.BEGIN;
      for (int id : tokenizer.encode(task.draw(random, heldOut).text())) {
        if (i < window.length) {
          window[i++] = id;
        }
      }
      if (i < window.length) {
        window[i++] = Tokens.END;
      }
    }
  }
}
