package dev.emergent.trainer.model;

import dev.emergent.trainer.kernels.SumKernel;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Pre-LN Transformer block: x + attn(ln1(x)), then + mlp(ln2(·)). */
public final class Block {
  private final LayerNorm ln1;
  private final CausalSelfAttention attention;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private INDArray mid; // x + attn(ln1(x)) [N, D]
  private INDArray output; // [N, D]
  private INDArray midGrad; // [N, D]
  private INDArray inputGrad; // [N, D]

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
  }

  /** x [B·T, D] -> [B·T, D]. */
  public INDArray forward(INDArray x, int batch, int time) {
    return withMlp(x, attention.forward(ln1.forward(x), batch, time));
  }

  /**
   * One new position of B sequences: x [B, D] -> [B, D] (see {@link CausalSelfAttention#decode}).
   */
  public INDArray decode(INDArray x, KvCache.Layer cache, int position) {
    return withMlp(x, attention.decode(ln1.forward(x), cache, position));
  }

  /** x + attended, then + mlp(ln2(·)): the rest of the block once attention has run. */
  private INDArray withMlp(INDArray x, INDArray attended) {
    mid = Buffers.ensure(mid, x.dataType(), x.shape());
    output = Buffers.ensure(output, x.dataType(), x.shape());
    SumKernel.sum(x, attended, mid);
    SumKernel.sum(mid, mlp.forward(ln2.forward(mid)), output);
    return output;
  }

  void cacheKeysAndValues(KvCache.Layer cache, int batch, int time) {
    attention.cacheKeysAndValues(cache, batch, time);
  }

  int cacheWidth() {
    return attention.cacheWidth();
  }

  /** dy [B·T, D] -> dx [B·T, D]. */
  public INDArray backward(INDArray dy) {
    midGrad = Buffers.ensure(midGrad, dy.dataType(), dy.shape());
    inputGrad = Buffers.ensure(inputGrad, dy.dataType(), dy.shape());
    SumKernel.sum(dy, ln2.backward(mlp.backward(dy)), midGrad);
    SumKernel.sum(midGrad, ln1.backward(attention.backward(midGrad)), inputGrad);
    return inputGrad;
  }
}
