package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Parameters;

/** Pre-LN Transformer block: x + attn(ln1(x)), then + mlp(ln2(·)). */
public final class Block {
  private final LayerNorm ln1;
  private final CausalSelfAttention attention;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final Compute compute;
  private Tensor mid; // x + attn(ln1(x)) [N, D]
  private Tensor output; // [N, D]
  private Tensor midGrad; // [N, D]
  private Tensor inputGrad; // [N, D]

  public Block(
      Parameters.Builder params,
      String name,
      int dModel,
      int heads,
      int ffn,
      int layers,
      TensorParallel tp) {
    // GPT-2 scales the init of the projections into the residual stream by 1/√(2·layers).
    double projStd = 0.02 / Math.sqrt(2.0 * layers);
    ln1 = new LayerNorm(params, name + ".ln1", dModel);
    attention = new CausalSelfAttention(params, name + ".attn", dModel, heads, projStd, tp);
    ln2 = new LayerNorm(params, name + ".ln2", dModel);
    mlp = new Mlp(params, name + ".mlp", dModel, ffn, projStd, tp);
    compute = params.compute();
  }

  /** x [B·T, D] -> [B·T, D]. */
  public Tensor forward(Tensor x, int batch, int time) {
    return withMlp(x, attention.forward(ln1.forward(x), batch, time));
  }

  /**
   * One new position of B sequences: x [B, D] -> [B, D] (see {@link CausalSelfAttention#decode}).
   */
  public Tensor decode(Tensor x, KvCache.Layer cache, int position) {
    return withMlp(x, attention.decode(ln1.forward(x), cache, position));
  }

  /** x + attended, then + mlp(ln2(·)): the rest of the block once attention has run. */
  private Tensor withMlp(Tensor x, Tensor attended) {
    mid = compute.ensure(mid, x.shape());
    output = compute.ensure(output, x.shape());
    compute.sum(x, attended, mid);
    compute.sum(mid, mlp.forward(ln2.forward(mid)), output);
    return output;
  }

  void cacheKeysAndValues(KvCache.Layer cache, int batch, int time) {
    attention.cacheKeysAndValues(cache, batch, time);
  }

  int cacheWidth() {
    return attention.cacheWidth();
  }

  /** dy [B·T, D] -> dx [B·T, D]. */
  public Tensor backward(Tensor dy) {
    midGrad = compute.ensure(midGrad, dy.shape());
    inputGrad = compute.ensure(inputGrad, dy.shape());
    compute.sum(dy, ln2.backward(mlp.backward(dy)), midGrad);
    compute.sum(midGrad, ln1.backward(attention.backward(midGrad)), inputGrad);
    return inputGrad;
  }
}
