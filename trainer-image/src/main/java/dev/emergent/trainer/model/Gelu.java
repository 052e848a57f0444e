package dev.emergent.trainer.model;

import dev.emergent.trainer.kernels.GeluKernel;
import dev.emergent.trainer.tensor.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GELU with the tanh approximation of GPT-2 (PyTorch's {@code gelu(approximate="tanh")}): 0.5·x·(1
 * + tanh(√(2/π)·(x + 0.044715·x³))).
 */
public final class Gelu {
  private INDArray input; // [N, F], kept for backward
  private INDArray tanh; // tanh(√(2/π)·(x + 0.044715·x³)) [N, F], kept for backward
  private INDArray output; // [N, F]
  private INDArray inputGrad; // [N, F]

  /** x [N, F] -> gelu(x) [N, F]. */
  public INDArray forward(INDArray x) {
    input = x;
    tanh = Buffers.ensure(tanh, x.dataType(), x.shape());
    output = Buffers.ensure(output, x.dataType(), x.shape());
    GeluKernel.forward(x, output, tanh);
    return output;
  }

  /** dy [N, F] -> dx [N, F]. */
  public INDArray backward(INDArray dy) {
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), dy.shape());
    GeluKernel.backward(dy, input, tanh, inputGrad);
    return inputGrad;
  }
}
