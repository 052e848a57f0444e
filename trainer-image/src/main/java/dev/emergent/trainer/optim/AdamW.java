package dev.emergent.trainer.optim;

import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

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
  private final INDArray scratch;
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
    scratch = Nd4j.create(parameters.dataType(), parameters.count());
  }

  /** One update with the gradients in {@link Parameters#grads()}. */
  public void step(double learningRate) {
    steps++;
    INDArray values = parameters.values();
    INDArray grads = parameters.grads();
    if (weightDecay > 0) {
      values.subi(
          scratch.assign(parameters.decayMask()).muli(learningRate * weightDecay).muli(values));
    }
    firstMoment.muli(beta1).addi(scratch.assign(grads).muli(1 - beta1));
    secondMoment.muli(beta2).addi(scratch.assign(grads).muli(grads).muli(1 - beta2));
    double correction1 = 1 - Math.pow(beta1, steps);
    double correction2 = 1 - Math.pow(beta2, steps);
    Transforms.sqrt(scratch.assign(secondMoment).divi(correction2), false).addi(epsilon);
    values.subi(scratch.rdivi(firstMoment).muli(learningRate / correction1));
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
