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

  /**
   * The same batch cut after its last weighted position: a causal model's outputs at a position do
   * not depend on later ones, so the loss and its gradient are those of the whole batch, for the
   * compute of its longest sequence (fine-tuning rows are mostly padding).
   */
  public Batch trimmed() {
    int used = 1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] != 0) {
        used = Math.max(used, i % time + 1);
      }
    }
    if (used == time) {
      return this;
    }
    int[] cutInputs = new int[size * used];
    int[] cutTargets = new int[size * used];
    double[] cutWeights = new double[size * used];
    for (int r = 0; r < size; r++) {
      System.arraycopy(inputs, r * time, cutInputs, r * used, used);
      System.arraycopy(targets, r * time, cutTargets, r * used, used);
      System.arraycopy(weights, r * time, cutWeights, r * used, used);
    }
    return new Batch(size, used, cutInputs, cutTargets, cutWeights);
  }

  public double weightSum() {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    return sum;
  }
}
