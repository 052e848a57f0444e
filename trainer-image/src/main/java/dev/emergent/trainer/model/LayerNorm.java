package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Normalises each row to zero mean and unit variance, then scales and shifts it. */
public final class LayerNorm {
  static final double EPSILON = 1e-5;

  private final Parameter gain; // [D]
  private final Parameter shift; // [D]
  private INDArray normalized; // x̂ [N, D], kept for backward
  private INDArray inverseStd; // 1/σ [N, 1], kept for backward
  private INDArray output; // [N, D]
  private INDArray inputGrad; // [N, D]
  private INDArray scratch; // [N, D]

  public LayerNorm(Parameters.Builder params, String name, long dim) {
    gain = params.vector(name + ".weight", dim, Parameter.Init.ONE);
    shift = params.vector(name + ".bias", dim, Parameter.Init.ZERO);
  }

  /** x [N, D] -> y [N, D]. */
  public INDArray forward(INDArray x) {
    long n = x.size(0);
    long d = x.size(1);
    normalized = Buffers.ensure(normalized, x.dataType(), n, d);
    scratch = Buffers.ensure(scratch, x.dataType(), n, d);
    output = Buffers.ensure(output, x.dataType(), n, d);
    normalized.assign(x).subiColumnVector(x.mean(1).reshape(n, 1));
    scratch.assign(normalized).muli(normalized);
    inverseStd = Transforms.pow(scratch.mean(1).reshape(n, 1).addi(EPSILON), -0.5, false);
    normalized.muliColumnVector(inverseStd);
    output.assign(normalized).muliRowVector(gain.value()).addiRowVector(shift.value());
    return output;
  }

  /** dy [N, D] -> dx [N, D] = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·gain. */
  public INDArray backward(INDArray dy) {
    long n = dy.size(0);
    long d = dy.size(1);
    scratch.assign(dy).muli(normalized);
    Blas.addColumnSums(scratch, gain.grad());
    Blas.addColumnSums(dy, shift.grad());
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), n, d);
    INDArray g = inputGrad.assign(dy).muliRowVector(gain.value());
    INDArray meanG = g.mean(1).reshape(n, 1);
    INDArray meanGx = scratch.assign(g).muli(normalized).mean(1).reshape(n, 1);
    scratch.assign(normalized).muliColumnVector(meanGx);
    g.subiColumnVector(meanG).subi(scratch).muliColumnVector(inverseStd);
    return inputGrad;
  }
}
