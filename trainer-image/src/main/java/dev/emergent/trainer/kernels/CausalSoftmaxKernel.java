package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax over the rows of attention scores [B·H·T, T] with the causal mask implied: row r is the
 * query at position r mod T and sees keys 0..r mod T; the entries above the diagonal are written as
 * 0 and never read, so no additive mask exists and the masked half costs no exp.
 */
public final class CausalSoftmaxKernel {
  private CausalSoftmaxKernel() {}

  /** In place: scores -> probabilities. */
  public static void forward(INDArray scores, int time) {
    int rows = (int) (scores.length() / time);
    int done = Vectorized.applies(scores) ? SoftmaxVector.forward(scores, rows, time) : 0;
    forward(Values.of(scores), done, rows, time);
  }

  /** In place: dprobs -> dscores = p·(dp − Σ p·dp) on and below the diagonal, 0 above it. */
  public static void backward(INDArray dprobs, INDArray probs, int time) {
    int rows = (int) (probs.length() / time);
    int done =
        Vectorized.applies(dprobs, probs) ? SoftmaxVector.backward(dprobs, probs, rows, time) : 0;
    backward(Values.of(dprobs), Values.of(probs), done, rows, time);
  }

  static void forward(Values s, int from, int to, int time) {
    for (int r = from; r < to; r++) {
      int base = r * time;
      int seen = r % time + 1;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < seen; j++) {
        max = Math.max(max, s.get(base + j));
      }
      double sum = 0;
      for (int j = 0; j < seen; j++) {
        double e = Math.exp(s.get(base + j) - max);
        s.set(base + j, e);
        sum += e;
      }
      for (int j = 0; j < time; j++) {
        s.set(base + j, j < seen ? s.get(base + j) / sum : 0);
      }
    }
  }

  static void backward(Values dp, Values p, int from, int to, int time) {
    for (int r = from; r < to; r++) {
      int base = r * time;
      int seen = r % time + 1;
      double dot = 0;
      for (int j = 0; j < seen; j++) {
        dot += p.get(base + j) * dp.get(base + j);
      }
      for (int j = 0; j < time; j++) {
        dp.set(base + j, j < seen ? p.get(base + j) * (dp.get(base + j) - dot) : 0);
      }
    }
  }
}
