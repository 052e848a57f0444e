package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer norm over the rows of [N, D], forward and backward, each one pass over a row (mean and
 * variance, then the outputs, while the row is in cache); the backward also adds the gain and shift
 * gradients, so they need no column sums of their own.
 */
public final class LayerNormKernel {
  private LayerNormKernel() {}

  /** y = x̂·gain + shift with x̂ = (x − mean)/σ; x̂ [N, D] and 1/σ [N] kept for backward. */
  public static void forward(
      INDArray x,
      INDArray gain,
      INDArray shift,
      double epsilon,
      INDArray normalized,
      double[] inverseStd,
      INDArray y) {
    int rows = (int) x.size(0);
    int dim = (int) x.size(1);
    int done =
        Vectorized.applies(x, gain, shift, normalized, y)
            ? LayerNormVector.forward(x, gain, shift, epsilon, normalized, inverseStd, y)
            : 0;
    forward(
        Values.of(x),
        Values.of(gain),
        Values.of(shift),
        epsilon,
        Values.of(normalized),
        inverseStd,
        Values.of(y),
        done,
        rows,
        dim);
  }

  /**
   * dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·gain; adds Σ dy·x̂ to gainGrad and Σ dy to
   * shiftGrad.
   */
  public static void backward(
      INDArray dy,
      INDArray normalized,
      double[] inverseStd,
      INDArray gain,
      INDArray dx,
      INDArray gainGrad,
      INDArray shiftGrad) {
    int rows = (int) dy.size(0);
    int dim = (int) dy.size(1);
    int done =
        Vectorized.applies(dy, normalized, gain, dx, gainGrad, shiftGrad)
            ? LayerNormVector.backward(dy, normalized, inverseStd, gain, dx, gainGrad, shiftGrad)
            : 0;
    backward(
        Values.of(dy),
        Values.of(normalized),
        inverseStd,
        Values.of(gain),
        Values.of(dx),
        Values.of(gainGrad),
        Values.of(shiftGrad),
        done,
        rows,
        dim);
  }

  static void forward(
      Values x,
      Values gain,
      Values shift,
      double epsilon,
      Values normalized,
      double[] inverseStd,
      Values y,
      int from,
      int to,
      int dim) {
    for (int r = from; r < to; r++) {
      int base = r * dim;
      double mean = 0;
      for (int j = 0; j < dim; j++) {
        mean += x.get(base + j);
      }
      mean /= dim;
      double variance = 0;
      for (int j = 0; j < dim; j++) {
        double centered = x.get(base + j) - mean;
        variance += centered * centered;
      }
      double inverse = 1 / Math.sqrt(variance / dim + epsilon);
      inverseStd[r] = inverse;
      for (int j = 0; j < dim; j++) {
        double xhat = (x.get(base + j) - mean) * inverse;
        normalized.set(base + j, xhat);
        y.set(base + j, xhat * gain.get(j) + shift.get(j));
      }
    }
  }

  static void backward(
      Values dy,
      Values normalized,
      double[] inverseStd,
      Values gain,
      Values dx,
      Values gainGrad,
      Values shiftGrad,
      int from,
      int to,
      int dim) {
    for (int r = from; r < to; r++) {
      int base = r * dim;
      double sumG = 0;
      double sumGx = 0;
      for (int j = 0; j < dim; j++) {
        double d = dy.get(base + j);
        double xhat = normalized.get(base + j);
        double g = d * gain.get(j);
        sumG += g;
        sumGx += g * xhat;
        gainGrad.add(j, d * xhat);
        shiftGrad.add(j, d);
      }
      double meanG = sumG / dim;
      double meanGx = sumGx / dim;
      for (int j = 0; j < dim; j++) {
        double g = dy.get(base + j) * gain.get(j);
        dx.set(base + j, inverseStd[r] * (g - meanG - normalized.get(base + j) * meanGx));
      }
    }
  }
}
