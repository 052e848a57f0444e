package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * GELU with the tanh approximation of GPT-2 (PyTorch's {@code gelu(approximate="tanh")}): 0.5·x·(1
 * + tanh(√(2/π)·(x + 0.044715·x³))).
 */
public final class Gelu {
  private static final double C = Math.sqrt(2 / Math.PI);
  private static final double A = 0.044715;

  private INDArray input; // [N, F], kept for backward
  private INDArray tanh; // tanh(u) [N, F], kept for backward
  private INDArray output; // [N, F]
  private INDArray inputGrad; // [N, F]
  private INDArray scratch; // [N, F]

  /** x [N, F] -> gelu(x) [N, F]. */
  public INDArray forward(INDArray x) {
    input = x;
    tanh = Buffers.ensure(tanh, x.dataType(), x.shape());
    output = Buffers.ensure(output, x.dataType(), x.shape());
    tanh.assign(x).muli(x).muli(A).addi(1).muli(x).muli(-2 * C);
    // tanh(u) = 2 / (1 + e^(−2u)) − 1: libnd4j's exp is several times faster than its tanh.
    Transforms.exp(tanh, false).addi(1).rdivi(2).subi(1);
    output.assign(tanh).addi(1).muli(x).muli(0.5);
    return output;
  }

  /** dy -> dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·C·(1 + 3A·x²)). */
  public INDArray backward(INDArray dy) {
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), dy.shape());
    scratch = Buffers.ensure(scratch, dy.dataType(), dy.shape());
    scratch.assign(input).muli(input).muli(3 * A).addi(1).muli(input).muli(0.5 * C);
    inputGrad.assign(tanh).muli(tanh).rsubi(1).muli(scratch);
    inputGrad.addi(scratch.assign(tanh).muli(0.5)).addi(0.5).muli(dy);
    return inputGrad;
  }
}
