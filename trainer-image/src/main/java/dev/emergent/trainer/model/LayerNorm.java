package dev.emergent.trainer.model;

import dev.emergent.trainer.kernels.LayerNormKernel;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Normalises each row to zero mean and unit variance, then scales and shifts it. */
public final class LayerNorm {
  static final double EPSILON = 1e-5;

  private final Parameter gain; // [D]
  private final Parameter shift; // [D]
  private INDArray normalized; // x̂ [N, D], kept for backward
  private double[] inverseStd; // 1/σ [N], kept for backward
  private INDArray output; // [N, D]
  private INDArray inputGrad; // [N, D]

  public LayerNorm(Parameters.Builder params, String name, long dim) {
    gain = params.vector(name + ".weight", dim, Parameter.Init.ONE);
    shift = params.vector(name + ".bias", dim, Parameter.Init.ZERO);
  }

  /** x [N, D] -> y [N, D]. */
  public INDArray forward(INDArray x) {
    long n = x.size(0);
    long d = x.size(1);
    normalized = Buffers.ensure(normalized, x.dataType(), n, d);
    output = Buffers.ensure(output, x.dataType(), n, d);
    if (inverseStd == null || inverseStd.length != n) {
      inverseStd = new double[(int) n];
    }
    LayerNormKernel.forward(
        x, gain.value(), shift.value(), EPSILON, normalized, inverseStd, output);
    return output;
  }

  /** dy [N, D] -> dx [N, D]; adds to the gain and shift gradients. */
  public INDArray backward(INDArray dy) {
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), dy.shape());
    LayerNormKernel.backward(
        dy, normalized, inverseStd, gain.value(), inputGrad, gain.grad(), shift.grad());
    return inputGrad;
  }
}
