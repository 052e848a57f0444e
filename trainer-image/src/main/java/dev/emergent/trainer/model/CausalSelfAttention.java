package dev.emergent.trainer.model;

import dev.emergent.trainer.kernels.CausalSoftmaxKernel;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Multi-head causal self-attention: the products run as one BLAS call per (batch, head), the
 * softmax as one fused pass per row with the causal mask implied ({@link CausalSoftmaxKernel}).
 */
public final class CausalSelfAttention {
  private final Linear qkv; // [D] -> [3·H·hd]: queries, keys, values of this rank's heads
  private final Linear proj; // [H·hd] -> [D], partial sums on a model axis
  private final TensorParallel tp;
  private final int heads; // on this rank
  private final int headDim;
  private int batch;
  private int time;
  private INDArray q; // [B, H, T, hd]
  private INDArray k; // [B, H, T, hd]
  private INDArray v; // [B, H, T, hd]
  private INDArray probs; // causal softmax(q·kᵀ/√hd) [B·H, T, T], kept for backward
  private INDArray headOut; // probs·v [B, H, T, hd]
  private INDArray merged; // [B·T, D]
  private INDArray dq; // [B, H, T, hd]
  private INDArray dk; // [B, H, T, hd]
  private INDArray dv; // [B, H, T, hd]
  private INDArray dprobs; // [B·H, T, T]
  private INDArray dqkv; // [B·T, 3D]

  /**
   * On a model axis of size m each rank holds H/m heads: their query, key and value columns of the
   * packed projection (column-parallel) and their rows of the output projection (row-parallel).
   */
  public CausalSelfAttention(
      Parameters.Builder params,
      String name,
      int dModel,
      int heads,
      double projStd,
      TensorParallel tp) {
    this.tp = tp;
    this.heads = heads / tp.size();
    this.headDim = dModel / heads;
    long local = (long) this.heads * headDim;
    qkv = Linear.columnParallel(params, name + ".qkv", dModel, 3 * local, 0.02, 3, tp);
    proj = Linear.rowParallel(params, name + ".proj", local, dModel, projStd, tp);
  }

  /** x [B·T, D] -> [B·T, D]; one all-reduce over the model axis. */
  public INDArray forward(INDArray x, int batch, int time) {
    allocate(x.dataType(), batch, time);
    INDArray packed = qkv.forward(x).reshape('c', batch, time, 3, heads, headDim);
    q.assign(part(packed, 0).permute(0, 2, 1, 3));
    k.assign(part(packed, 1).permute(0, 2, 1, 3));
    v.assign(part(packed, 2).permute(0, 2, 1, 3));
    int bh = batch * heads;
    long block = (long) time * headDim;
    long square = (long) time * time;
    Blas.batched(
        false,
        true,
        bh,
        time,
        time,
        headDim,
        q,
        block,
        k,
        block,
        probs,
        square,
        1 / Math.sqrt(headDim),
        0);
    CausalSoftmaxKernel.forward(probs, time);
    Blas.batched(
        false, false, bh, time, headDim, time, probs, square, v, block, headOut, block, 1, 0);
    merged.reshape('c', batch, time, heads, headDim).assign(headOut.permute(0, 2, 1, 3));
    return tp.allReduce(proj.forward(merged));
  }

  /** dy [B·T, D] -> dx [B·T, D]; one all-reduce over the model axis. */
  public INDArray backward(INDArray dy) {
    INDArray dmerged = proj.backward(dy);
    // headOut's buffer now holds the gradient of the head outputs.
    INDArray dout =
        headOut.assign(dmerged.reshape('c', batch, time, heads, headDim).permute(0, 2, 1, 3));
    int bh = batch * heads;
    long block = (long) time * headDim;
    long square = (long) time * time;
    Blas.batched(false, true, bh, time, time, headDim, dout, block, v, block, dprobs, square, 1, 0);
    Blas.batched(true, false, bh, time, headDim, time, probs, square, dout, block, dv, block, 1, 0);
    CausalSoftmaxKernel.backward(dprobs, probs, time);
    double scale = 1 / Math.sqrt(headDim);
    Blas.batched(
        false, false, bh, time, headDim, time, dprobs, square, k, block, dq, block, scale, 0);
    Blas.batched(
        true, false, bh, time, headDim, time, dprobs, square, q, block, dk, block, scale, 0);
    INDArray packed = dqkv.reshape('c', batch, time, 3, heads, headDim);
    part(packed, 0).assign(dq.permute(0, 2, 1, 3));
    part(packed, 1).assign(dk.permute(0, 2, 1, 3));
    part(packed, 2).assign(dv.permute(0, 2, 1, 3));
    return tp.allReduce(qkv.backward(dqkv));
  }

  /** Queries (0), keys (1) or values (2) of a [B, T, 3, H, hd] array: a [B, T, H, hd] view. */
  private static INDArray part(INDArray packed, int which) {
    INDArrayIndex all = NDArrayIndex.all();
    return packed.get(all, all, NDArrayIndex.point(which), all, all);
  }

  private void allocate(DataType type, int batch, int time) {
    this.batch = batch;
    this.time = time;
    long[] heads4 = {batch, heads, time, headDim};
    q = Buffers.ensure(q, type, heads4);
    k = Buffers.ensure(k, type, heads4);
    v = Buffers.ensure(v, type, heads4);
    headOut = Buffers.ensure(headOut, type, heads4);
    dq = Buffers.ensure(dq, type, heads4);
    dk = Buffers.ensure(dk, type, heads4);
    dv = Buffers.ensure(dv, type, heads4);
    probs = Buffers.ensure(probs, type, (long) batch * heads, time, time);
    dprobs = Buffers.ensure(dprobs, type, (long) batch * heads, time, time);
    merged = Buffers.ensure(merged, type, (long) batch * time, (long) heads * headDim);
    dqkv = Buffers.ensure(dqkv, type, (long) batch * time, 3L * heads * headDim);
  }
}
