package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One AdamW update over flat parameter, gradient, moment and decay-mask buffers in one pass, in
 * PyTorch's order: decoupled weight decay first, then the bias-corrected Adam step.
 */
public final class AdamWKernel {
  /** The step's scalars: rates, betas, ε and the bias corrections 1 − β^t. */
  public record Step(
      double learningRate,
      double weightDecay,
      double beta1,
      double beta2,
      double epsilon,
      double correction1,
      double correction2) {}

  private AdamWKernel() {}

  public static void update(
      Step step, INDArray values, INDArray grads, INDArray first, INDArray second, INDArray mask) {
    int n = (int) values.length();
    int done =
        Vectorized.applies(values, grads, first, second, mask)
            ? AdamWVector.update(step, values, grads, first, second, mask, n)
            : 0;
    update(
        step,
        Values.of(values),
        Values.of(grads),
        Values.of(first),
        Values.of(second),
        Values.of(mask),
        done,
        n);
  }

  static void update(
      Step step,
      Values values,
      Values grads,
      Values first,
      Values second,
      Values mask,
      int from,
      int to) {
    double decay = step.learningRate() * step.weightDecay();
    double rate = step.learningRate() / step.correction1();
    for (int i = from; i < to; i++) {
      double g = grads.get(i);
      double m = step.beta1() * first.get(i) + (1 - step.beta1()) * g;
      double v = step.beta2() * second.get(i) + (1 - step.beta2()) * g * g;
      first.set(i, m);
      second.set(i, v);
      double value = values.get(i) * (1 - decay * mask.get(i));
      values.set(i, value - rate * m / (Math.sqrt(v / step.correction2()) + step.epsilon()));
    }
  }
}
