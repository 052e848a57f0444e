package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import dev.emergent.trainer.tensor.Shard;

/** y = x·W + b. Gradients accumulate, so that micro-batches add up before a step. */
public final class Linear {
  private final Parameter weight; // [in, out]
  private final Parameter bias; // [out]
  private final boolean addsBias;
  private final Compute compute;
  private Tensor input; // [N, in], kept for backward
  private Tensor output; // [N, out]
  private Tensor inputGrad; // [N, in]

  public Linear(Parameters.Builder params, String name, long in, long out, double std) {
    this(params, name, in, out, std, Shard.WHOLE, Shard.WHOLE, true);
  }

  /**
   * A linear layer holding shards of its weight and bias, with local sizes {@code in} and {@code
   * out}. A row-parallel layer's outputs are partial sums that are added up across ranks: only one
   * rank may add the bias, so {@code addsBias} is false on the others (the bias gradient is the
   * same on all of them).
   */
  public Linear(
      Parameters.Builder params,
      String name,
      long in,
      long out,
      double std,
      Shard weightShard,
      Shard biasShard,
      boolean addsBias) {
    weight = params.matrix(name + ".weight", in, out, std, weightShard);
    bias = params.vector(name + ".bias", out, Parameter.Init.ZERO, biasShard);
    this.addsBias = addsBias;
    this.compute = params.compute();
  }

  /**
   * Megatron's column-parallel layer on a model axis: this rank's slice of the output columns (in
   * {@code groups} blocks, 3 for a packed query/key/value projection) and of the bias; {@code
   * localOut} columns here.
   */
  public static Linear columnParallel(
      Parameters.Builder params,
      String name,
      long in,
      long localOut,
      double std,
      int groups,
      TensorParallel tp) {
    return new Linear(params, name, in, localOut, std, tp.columns(groups), tp.rows(groups), true);
  }

  /**
   * Megatron's row-parallel layer on a model axis: this rank's {@code localIn} rows of the weight;
   * its outputs are partial sums, so the replicated bias is added by the axis's first rank only.
   */
  public static Linear rowParallel(
      Parameters.Builder params,
      String name,
      long localIn,
      long out,
      double std,
      TensorParallel tp) {
    return new Linear(params, name, localIn, out, std, tp.rows(1), Shard.WHOLE, tp.index() == 0);
  }

  /** x [N, in] -> y [N, out]; the returned array is reused by the next call. */
  public Tensor forward(Tensor x) {
    input = x;
    output = compute.ensure(output, x.size(0), weight.shape()[1]);
    if (addsBias) {
      compute.addRowToEach(bias.value(), output, 0);
    }
    compute.gemm(false, false, x, weight.value(), output, 1, addsBias ? 1 : 0);
    return output;
  }

  /** dy [N, out] -> dx [N, in]; adds to dW and db. */
  public Tensor backward(Tensor dy) {
    compute.gemm(true, false, input, dy, weight.grad(), 1, 1);
    compute.addColumnSums(dy, bias.grad());
    inputGrad = compute.ensure(inputGrad, dy.size(0), weight.shape()[0]);
    compute.gemm(false, true, dy, weight.value(), inputGrad, 1, 0);
    return inputGrad;
  }
}
