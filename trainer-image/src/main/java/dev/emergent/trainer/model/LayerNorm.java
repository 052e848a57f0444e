package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;

/** Normalises each row to zero mean and unit variance, then scales and shifts it. */
public final class LayerNorm {
  static final double EPSILON = 1e-5;

  private final Parameter gain; // [D]
  private final Parameter shift; // [D]
  private final Compute compute;
  private Tensor normalized; // x̂ [N, D], kept for backward
  private Tensor inverseStd; // 1/σ [N], kept for backward
  private Tensor output; // [N, D]
  private Tensor inputGrad; // [N, D]

  public LayerNorm(Parameters.Builder params, String name, long dim) {
    gain = params.vector(name + ".weight", dim, Parameter.Init.ONE);
    shift = params.vector(name + ".bias", dim, Parameter.Init.ZERO);
    compute = params.compute();
  }

  /** x [N, D] -> y [N, D]. */
  public Tensor forward(Tensor x) {
    long n = x.size(0);
    long d = x.size(1);
    normalized = compute.ensure(normalized, n, d);
    output = compute.ensure(output, n, d);
    inverseStd = compute.ensureRowStatistic(inverseStd, n);
    compute.layerNormForward(
        x, gain.value(), shift.value(), EPSILON, normalized, inverseStd, output);
    return output;
  }

  /** dy [N, D] -> dx [N, D]; adds to the gain and shift gradients. */
  public Tensor backward(Tensor dy) {
    inputGrad = compute.ensure(inputGrad, dy.shape());
    compute.layerNormBackward(
        dy, normalized, inverseStd, gain.value(), inputGrad, gain.grad(), shift.grad());
    return inputGrad;
  }
}
