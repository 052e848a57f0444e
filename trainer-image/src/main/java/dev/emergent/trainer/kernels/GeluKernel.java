package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GELU with the tanh approximation, forward and backward, one pass each; tanh(u) = 1 − 2/(e^(2u) +
 * 1), since exp is what the Vector API and the JIT make fast.
 */
public final class GeluKernel {
  static final double C = Math.sqrt(2 / Math.PI);
  static final double A = 0.044715;

  private GeluKernel() {}

  /** y = 0.5·x·(1 + t) with t = tanh(C·(x + A·x³)) kept for backward; all arrays of one length. */
  public static void forward(INDArray x, INDArray y, INDArray t) {
    int n = (int) x.length();
    int done = Vectorized.applies(x, y, t) ? GeluVector.forward(x, y, t, n) : 0;
    forward(Values.of(x), Values.of(y), Values.of(t), done, n);
  }

  /** dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·C·(1 + 3A·x²)). */
  public static void backward(INDArray dy, INDArray x, INDArray t, INDArray dx) {
    int n = (int) x.length();
    int done = Vectorized.applies(dy, x, t, dx) ? GeluVector.backward(dy, x, t, dx, n) : 0;
    backward(Values.of(dy), Values.of(x), Values.of(t), Values.of(dx), done, n);
  }

  static void forward(Values x, Values y, Values t, int from, int to) {
    for (int i = from; i < to; i++) {
      double v = x.get(i);
      double tanh = 1 - 2 / (Math.exp(2 * C * (v + A * v * v * v)) + 1);
      t.set(i, tanh);
      y.set(i, 0.5 * v * (1 + tanh));
    }
  }

  static void backward(Values dy, Values x, Values t, Values dx, int from, int to) {
    for (int i = from; i < to; i++) {
      double v = x.get(i);
      double tanh = t.get(i);
      double local = 0.5 * (1 + tanh) + 0.5 * v * (1 - tanh * tanh) * C * (1 + 3 * A * v * v);
      dx.set(i, dy.get(i) * local);
    }
  }
}
