package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;

/**
 * Weighted softmax cross-entropy over the vocabulary: Σ w·(−log p[target]) / normalizer. Weights
 * select the positions that count (all of them for pretraining, completions for SFT); the
 * normalizer is the weight of the whole batch, so micro-batches add up to the batch mean.
 */
public final class LanguageModelLoss {
  private final Compute compute;
  private Tensor probs; // softmax(logits) [N, V], kept for backward
  private Tensor targets; // one-hot [N, V]
  private Tensor scale; // w / normalizer [N, 1]
  private Tensor logitsGrad; // [N, V]
  private long correct;

  public LanguageModelLoss(Compute compute) {
    this.compute = compute;
  }

  /** Loss of logits [N, V] against target ids, and the count of weighted argmax hits. */
  public double forward(Tensor logits, int[] targetIds, double[] weights, double normalizer) {
    long n = logits.size(0);
    long v = logits.size(1);
    probs = compute.ensure(probs, n, v);
    targets = compute.ensure(targets, n, v);
    compute.oneHot(targets, targetIds);
    double[] scaled = new double[(int) n];
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] / normalizer;
    }
    scale = compute.fromHost(scaled, n, 1);
    double loss = compute.softmaxCrossEntropy(logits, targets, scale, probs);
    long[] predicted = compute.argMaxOfRows(logits);
    correct = 0;
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0 && predicted[i] == targetIds[i]) {
        correct++;
      }
    }
    return loss;
  }

  /** Weighted positions whose most likely token was the target. */
  public long correct() {
    return correct;
  }

  /** dlogits [N, V] = (softmax − onehot)·w/normalizer. */
  public Tensor backward() {
    logitsGrad = compute.ensure(logitsGrad, probs.shape());
    compute.softmaxCrossEntropyBackward(probs, targets, scale, logitsGrad);
    return logitsGrad;
  }
}
