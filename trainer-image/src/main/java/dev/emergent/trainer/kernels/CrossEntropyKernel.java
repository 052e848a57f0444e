package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weighted softmax cross-entropy over the rows of logits [N, V], forward and backward, each one
 * pass per row while it is in cache: the loss is read from the softmax's own maximum and sum, so no
 * row statistic or log-probability array exists. Targets are distributions over V per row (one-hot
 * for language modelling); every row's weight is its entry of scale [N].
 */
public final class CrossEntropyKernel {
  private CrossEntropyKernel() {}

  /**
   * probs = softmax(logits) per row; returns Σ_r scale_r · (log Σ exp(l − max) − Σ t·(l − max)),
   * the rows' losses added in row order whatever the threads.
   */
  public static double forward(INDArray logits, INDArray targets, INDArray scale, INDArray probs) {
    int rows = (int) logits.size(0);
    int width = (int) logits.size(1);
    double[] losses = new double[rows];
    int done =
        Vectorized.applies(logits, targets, scale, probs)
            ? CrossEntropyVector.forward(logits, targets, scale, probs, losses)
            : 0;
    forward(
        Values.of(logits),
        Values.of(targets),
        Values.of(scale),
        Values.of(probs),
        losses,
        done,
        rows,
        width);
    double loss = 0;
    for (double rowLoss : losses) {
      loss += rowLoss;
    }
    return loss;
  }

  /** dlogits = (probs − targets)·scale_r per row. */
  public static void backward(INDArray probs, INDArray targets, INDArray scale, INDArray dlogits) {
    int rows = (int) probs.size(0);
    int width = (int) probs.size(1);
    int done =
        Vectorized.applies(probs, targets, scale, dlogits)
            ? CrossEntropyVector.backward(probs, targets, scale, dlogits)
            : 0;
    backward(
        Values.of(probs),
        Values.of(targets),
        Values.of(scale),
        Values.of(dlogits),
        done,
        rows,
        width);
  }

  static void forward(
      Values l, Values t, Values s, Values p, double[] losses, int from, int to, int width) {
    for (int r = from; r < to; r++) {
      int base = r * width;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < width; j++) {
        max = Math.max(max, l.get(base + j));
      }
      double sum = 0;
      double target = 0;
      for (int j = 0; j < width; j++) {
        double shifted = l.get(base + j) - max;
        double e = Math.exp(shifted);
        p.set(base + j, e);
        sum += e;
        target += t.get(base + j) * shifted;
      }
      for (int j = 0; j < width; j++) {
        p.set(base + j, p.get(base + j) / sum);
      }
      losses[r] = s.get(r) * (Math.log(sum) - target);
    }
  }

  static void backward(Values p, Values t, Values s, Values d, int from, int to, int width) {
    for (int r = from; r < to; r++) {
      int base = r * width;
      double weight = s.get(r);
      for (int j = 0; j < width; j++) {
        d.set(base + j, (p.get(base + j) - t.get(base + j)) * weight);
      }
    }
  }
}
