package dev.emergent.trainer.data;

import dev.emergent.trainer.model.Batch;

/**
 * Batches of a token-level training stage. Row r of step s depends only on (seed, s, r), so a rank
 * that owns rows [first, first + count) of the global batch produces exactly those rows.
 */
public interface StepBatches {
  /** Rows [first, first + count) of the training batch of {@code step}. */
  Batch train(long step, int first, int count);

  /** Rows of held-out evaluation batch {@code index}; the same for every call. */
  Batch heldOut(int index, int first, int count);

  /**
   * The samples read before {@code step}, for data that reads a corpus in order and saves where it
   * stands with each checkpoint; null for data generated per step.
   */
  default Long position(long step) {
    return null;
  }

  /** Bytes of source text per held-out token, where the data knows its text; else null. */
  default Double heldOutBytesPerToken() {
    return null;
  }
}
