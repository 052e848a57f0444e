package dev.emergent.trainer.shards;

import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.StepBatches;
import dev.emergent.trainer.model.Batch;
import java.util.Arrays;

/**
 * Next-token batches from a prepared corpus. The training split is cut into windows of {@code time
 * + 1} tokens (one stride apart) read in {@link WindowOrder}; training row r of step s is sample
 * {@code position(s) + r}, so a rank that owns rows [first, first + count) reads only those
 * windows, and a run resumed with the position its checkpoint saved reads exactly the samples the
 * uninterrupted run would have, whatever its mesh. Held-out batches come from the validation split
 * (the training split if that is empty) in a fixed order.
 */
public final class ShardBatches implements StepBatches {
  private static final long EVAL_SEED = -1;
  private final TokenShards.Split train;
  private final TokenShards.Split validation;
  private final int time;
  private final WindowOrder trainOrder;
  private final WindowOrder evalOrder;
  private final long startStep;
  private final long startPosition;
  private final int rowsPerStep;
  private final double heldOutBytesPerToken;

  /**
   * Resumes at {@code startStep} with {@code startPosition} samples already read, and {@code
   * rowsPerStep} rows in each global batch from there on.
   */
  public ShardBatches(
      TokenShards shards, long seed, int time, int rowsPerStep, long startStep, long startPosition)
      throws java.io.IOException {
    this.train = shards.split(ShardManifest.TRAIN);
    TokenShards.Split heldOut = shards.split(ShardManifest.VALIDATION);
    boolean validationSplit = windows(heldOut, time) > 0;
    this.validation = validationSplit ? heldOut : train;
    ShardManifest.Split counts =
        shards
            .manifest()
            .splits()
            .get(validationSplit ? ShardManifest.VALIDATION : ShardManifest.TRAIN);
    this.heldOutBytesPerToken = (double) counts.bytes() / counts.tokens();
    this.time = time;
    long trainWindows = windows(train, time);
    if (trainWindows == 0) {
      throw new BadInputException(
          "the training split has "
              + train.tokens()
              + " tokens, fewer than one window of contextLength + 1 = "
              + (time + 1));
    }
    this.trainOrder = new WindowOrder(seed, trainWindows);
    this.evalOrder = new WindowOrder(seed ^ EVAL_SEED, windows(validation, time));
    this.rowsPerStep = rowsPerStep;
    this.startStep = startStep;
    this.startPosition = startPosition;
  }

  private static long windows(TokenShards.Split split, int time) {
    return (split.tokens() - 1) / time;
  }

  @Override
  public Batch train(long step, int first, int count) {
    long base = position(step) + first;
    return rows(train, trainOrder, base, count);
  }

  @Override
  public Batch heldOut(int index, int first, int count) {
    return rows(validation, evalOrder, (long) index * count + first, count);
  }

  @Override
  public Long position(long step) {
    return startPosition + (step - startStep) * rowsPerStep;
  }

  @Override
  public Double heldOutBytesPerToken() {
    return heldOutBytesPerToken;
  }

  private Batch rows(TokenShards.Split split, WindowOrder order, long firstSample, int count) {
    int[] inputs = new int[count * time];
    int[] targets = new int[count * time];
    double[] weights = new double[count * time];
    int[] window = new int[time + 1];
    for (int r = 0; r < count; r++) {
      split.read(order.window(firstSample + r) * time, window);
      System.arraycopy(window, 0, inputs, r * time, time);
      System.arraycopy(window, 1, targets, r * time, time);
    }
    Arrays.fill(weights, 1);
    return new Batch(count, time, inputs, targets, weights);
  }
}
