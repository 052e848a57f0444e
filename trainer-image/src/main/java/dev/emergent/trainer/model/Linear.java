package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/** y = x·W + b. Gradients accumulate, so that micro-batches add up before a step. */
public final class Linear {
  private final Parameter weight; // [in, out]
  private final Parameter bias; // [out]
  private INDArray input; // [N, in], kept for backward
  private INDArray output; // [N, out]
  private INDArray inputGrad; // [N, in]

  public Linear(Parameters.Builder params, String name, long in, long out, double std) {
    weight = params.matrix(name + ".weight", in, out, std);
    bias = params.vector(name + ".bias", out, Parameter.Init.ZERO);
  }

  /** x [N, in] -> y [N, out]; the returned array is reused by the next call. */
  public INDArray forward(INDArray x) {
    input = x;
    output = Buffers.ensure(output, x.dataType(), x.size(0), weight.shape()[1]);
    Blas.gemm(false, false, x, weight.value(), output, 1, 0);
    output.addiRowVector(bias.value());
    return output;
  }

  /** dy [N, out] -> dx [N, in]; adds to dW and db. */
  public INDArray backward(INDArray dy) {
    Blas.gemm(true, false, input, dy, weight.grad(), 1, 1);
    Blas.addColumnSums(dy, bias.grad());
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), dy.size(0), weight.shape()[0]);
    Blas.gemm(false, true, dy, weight.value(), inputGrad, 1, 0);
    return inputGrad;
  }
}
