package dev.emergent.trainer.data;

import dev.emergent.trainer.model.Batch;
import java.util.SplittableRandom;

/**
 * Batches whose row r of step s is drawn from a random generator seeded by (seed, s, r); held-out
 * batch i uses the stream −1 − i. Subclasses say how one row is made.
 */
abstract class SeededRows implements StepBatches {
  private static final long EVAL_STREAM = -1;
  private final long seed;
  protected final int time;

  SeededRows(long seed, int time) {
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
      row(
          new SplittableRandom(Seeds.mix(seed, stream, first + r)),
          heldOut,
          r * time,
          inputs,
          targets,
          weights);
    }
    return new Batch(count, time, inputs, targets, weights);
  }

  /** Fills positions [at, at + time) of inputs, targets and weights with one row. */
  abstract void row(
      SplittableRandom random,
      boolean heldOut,
      int at,
      int[] inputs,
      int[] targets,
      double[] weights);
}
