package dev.emergent.trainer.optim;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.tensor.Parameters;

/**
 * AdamW (Loshchilov and Hutter) over the flat parameter buffer, in PyTorch's order: decoupled
 * weight decay on the masked parameters first, then the bias-corrected Adam step.
 */
public final class AdamW {
  private final Parameters parameters;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final Compute compute;
  private final Tensor firstMoment;
  private final Tensor secondMoment;
  private long steps;

  public AdamW(
      Parameters parameters, double beta1, double beta2, double epsilon, double weightDecay) {
    this.parameters = parameters;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    compute = parameters.compute();
    firstMoment = compute.zeros(parameters.count());
    secondMoment = compute.zeros(parameters.count());
  }

  /** One update with the gradients in {@link Parameters#grads()}. */
  public void step(double learningRate) {
    steps++;
    compute.adamW(
        new AdamWKernel.Step(
            learningRate,
            weightDecay,
            beta1,
            beta2,
            epsilon,
            1 - Math.pow(beta1, steps),
            1 - Math.pow(beta2, steps)),
        parameters.values(),
        parameters.grads(),
        firstMoment,
        secondMoment,
        parameters.decayMask());
  }

  public long steps() {
    return steps;
  }

  /** Moments, for checkpoints: [first moment, second moment]. */
  public Tensor firstMoment() {
    return firstMoment;
  }

  public Tensor secondMoment() {
    return secondMoment;
  }

  /** Restores the state a checkpoint saved. */
  public void restore(long steps, Tensor first, Tensor second) {
    this.steps = steps;
    compute.copy(first, firstMoment);
    compute.copy(second, secondMoment);
  }
}
