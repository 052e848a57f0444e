package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;

/**
 * GELU with the tanh approximation of GPT-2 (PyTorch's {@code gelu(approximate="tanh")}): 0.5·x·(1
 * + tanh(√(2/π)·(x + 0.044715·x³))).
 */
public final class Gelu {
  private final Compute compute;
  private Tensor input; // [N, F], kept for backward
  private Tensor tanh; // tanh(√(2/π)·(x + 0.044715·x³)) [N, F], kept for backward
  private Tensor output; // [N, F]
  private Tensor inputGrad; // [N, F]

  public Gelu(Compute compute) {
    this.compute = compute;
  }

  /** x [N, F] -> gelu(x) [N, F]. */
  public Tensor forward(Tensor x) {
    input = x;
    tanh = compute.ensure(tanh, x.shape());
    output = compute.ensure(output, x.shape());
    compute.geluForward(x, output, tanh);
    return output;
  }

  /** dy [N, F] -> dx [N, F]. */
  public Tensor backward(Tensor dy) {
    inputGrad = compute.ensure(inputGrad, dy.shape());
    compute.geluBackward(dy, input, tanh, inputGrad);
    return inputGrad;
  }
}
