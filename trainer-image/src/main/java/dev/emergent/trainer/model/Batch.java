package dev.emergent.trainer.model;

/**
 * A micro-batch of {@code size} sequences of {@code time} tokens, flattened row-major: the input
 * ids, the id each position should predict, and each position's weight in the loss (0 to skip).
 */
public record Batch(int size, int time, int[] inputs, int[] targets, double[] weights) {
  public Batch {
    int n = size * time;
    if (inputs.length != n || targets.length != n || weights.length != n) {
      throw new IllegalArgumentException(
          "a batch of " + size + "×" + time + " needs " + n + " ids");
    }
  }

  public double weightSum() {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    return sum;
  }
}
