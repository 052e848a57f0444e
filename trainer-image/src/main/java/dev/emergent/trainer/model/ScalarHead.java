package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A scalar per position, s = h·w + b, for reward and value models. Forward and backward take hidden
 * states [N, D]; callers pick the positions that matter (the last token for a reward).
 */
public final class ScalarHead {
  private final Parameter weight; // [D, 1]
  private final Parameter bias; // [1]
  private INDArray input; // [N, D], kept for backward
  private INDArray output; // [N, 1]
  private INDArray inputGrad; // [N, D]

  public ScalarHead(Parameters.Builder params, String name, int dModel) {
    weight = params.matrix(name + ".weight", dModel, 1, 0.02);
    bias = params.vector(name + ".bias", 1, Parameter.Init.ZERO);
  }

  /** h [N, D] -> s [N, 1]. */
  public INDArray forward(INDArray h) {
    input = h;
    output = Buffers.ensure(output, h.dataType(), h.size(0), 1);
    Blas.gemm(false, false, h, weight.value(), output, 1, 0);
    output.addi(bias.value().getDouble(0));
    return output;
  }

  /** ds [N, 1] -> dh [N, D]; adds to dw and db. */
  public INDArray backward(INDArray ds) {
    Blas.gemm(true, false, input, ds, weight.grad(), 1, 1);
    bias.grad().addi(ds.sumNumber().doubleValue());
    inputGrad = Buffers.ensure(inputGrad, ds.dataType(), ds.size(0), weight.shape()[0]);
    Blas.gemm(false, true, ds, weight.value(), inputGrad, 1, 0);
    return inputGrad;
  }
}
