package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;

/**
 * A scalar per position, s = h·w + b, for reward and value models. Forward and backward take hidden
 * states [N, D]; callers pick the positions that matter (the last token for a reward).
 */
public final class ScalarHead {
  private final Parameter weight; // [D, 1]
  private final Parameter bias; // [1]
  private final Compute compute;
  private Tensor input; // [N, D], kept for backward
  private Tensor output; // [N, 1]
  private Tensor inputGrad; // [N, D]

  public ScalarHead(Parameters.Builder params, String name, int dModel) {
    weight = params.matrix(name + ".weight", dModel, 1, 0.02);
    bias = params.vector(name + ".bias", 1, Parameter.Init.ZERO);
    compute = params.compute();
  }

  /** h [N, D] -> s [N, 1]. */
  public Tensor forward(Tensor h) {
    input = h;
    output = compute.ensure(output, h.size(0), 1);
    compute.addRowToEach(bias.value(), output, 0);
    compute.gemm(false, false, h, weight.value(), output, 1, 1);
    return output;
  }

  /** ds [N, 1] -> dh [N, D]; adds to dw and db. */
  public Tensor backward(Tensor ds) {
    compute.gemm(true, false, input, ds, weight.grad(), 1, 1);
    compute.addColumnSums(ds, bias.grad());
    inputGrad = compute.ensure(inputGrad, ds.size(0), weight.shape()[0]);
    compute.gemm(false, true, ds, weight.value(), inputGrad, 1, 0);
    return inputGrad;
  }
}
