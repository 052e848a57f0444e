package dev.emergent.trainer.optim;

import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
  private final INDArray firstMoment;
  private final INDArray secondMoment;
  private long steps;

  public AdamW(
      Parameters parameters, double beta1, double beta2, double epsilon, double weightDecay) {
    this.parameters = parameters;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    firstMoment = Nd4j.create(parameters.dataType(), parameters.count());
    secondMoment = Nd4j.create(parameters.dataType(), parameters.count());
  }

  /** One update with the gradients in {@link Parameters#grads()}. */
  public void step(double learningRate) {
    steps++;
    AdamWKernel.update(
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
  public INDArray firstMoment() {
    return firstMoment;
  }

  public INDArray secondMoment() {
    return secondMoment;
  }

  /** Restores the state a checkpoint saved. */
  public void restore(long steps, INDArray first, INDArray second) {
    this.steps = steps;
    firstMoment.assign(first);
    secondMoment.assign(second);
  }
}
