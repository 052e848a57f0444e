package dev.emergent.trainer.kernels;

/**
 * The scalar reference kernels on plain float arrays: what another implementation of the same
 * passes (the CUDA backend's) is checked against on a machine that carries no ND4J natives.
 */
public final class HostKernels {
  private HostKernels() {}

  public static void geluForward(float[] x, float[] y, float[] t) {
    GeluKernel.forward(Values.of(x), Values.of(y), Values.of(t), 0, x.length);
  }

  public static void geluBackward(float[] dy, float[] x, float[] t, float[] dx) {
    GeluKernel.backward(Values.of(dy), Values.of(x), Values.of(t), Values.of(dx), 0, x.length);
  }

  public static void layerNormForward(
      float[] x,
      float[] gain,
      float[] shift,
      double epsilon,
      float[] normalized,
      double[] inverseStd,
      float[] y) {
    LayerNormKernel.forward(
        Values.of(x),
        Values.of(gain),
        Values.of(shift),
        epsilon,
        Values.of(normalized),
        inverseStd,
        Values.of(y),
        0,
        inverseStd.length,
        gain.length);
  }

  public static void layerNormBackward(
      float[] dy,
      float[] normalized,
      double[] inverseStd,
      float[] gain,
      float[] dx,
      float[] gainGrad,
      float[] shiftGrad) {
    LayerNormKernel.backward(
        Values.of(dy),
        Values.of(normalized),
        inverseStd,
        Values.of(gain),
        Values.of(dx),
        Values.of(gainGrad),
        Values.of(shiftGrad),
        0,
        inverseStd.length,
        gain.length);
  }

  /** In place over rows of [rows, time]. */
  public static void causalSoftmaxForward(float[] scores, int time) {
    CausalSoftmaxKernel.forward(Values.of(scores), 0, scores.length / time, time);
  }

  public static void causalSoftmaxBackward(float[] dprobs, float[] probs, int time) {
    CausalSoftmaxKernel.backward(Values.of(dprobs), Values.of(probs), 0, probs.length / time, time);
  }

  public static void adamW(
      AdamWKernel.Step step,
      float[] values,
      float[] grads,
      float[] first,
      float[] second,
      float[] mask) {
    AdamWKernel.update(
        step,
        Values.of(values),
        Values.of(grads),
        Values.of(first),
        Values.of(second),
        Values.of(mask),
        0,
        values.length);
  }
}
