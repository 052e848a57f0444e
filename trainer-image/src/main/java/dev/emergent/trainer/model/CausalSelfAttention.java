package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.kernels.DecodeAttentionKernel;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Parameters;

/**
 * Multi-head causal self-attention: the products run as one BLAS call per (sequence, head) on the
 * heads' columns where they lie (no copies into per-head arrays), the softmax as one fused pass per
 * row with the causal mask implied ({@link Compute#causalSoftmaxForward}). Decoding attends on the
 * host, to the {@link KvCache}'s arrays.
 */
public final class CausalSelfAttention {
  private static final int QUERIES = 0;
  private static final int KEYS = 1;
  private static final int VALUES = 2;

  /**
   * Queries per block of the products: a block of queries needs the keys up to its last position
   * only, so at a context of 128 the scores and their products do 3/4 of the full square's work,
   * and every product stays small enough for the BLAS to run it on one thread, which lets {@code
   * Compute.batched} spread the heads over the threads.
   */
  private static final int ROWS = 64;

  private final Linear qkv; // [D] -> [3·H·hd]: queries, keys, values of this rank's heads
  private final Linear proj; // [H·hd] -> [D], partial sums on a model axis
  private final TensorParallel tp;
  private final Compute compute;
  private final int heads; // on this rank
  private final int headDim;
  private int batch;
  private int time;
  private Tensor packed; // queries, keys, values [B·T, 3·H·hd], kept for backward
  private Tensor probs; // causal softmax(q·kᵀ/√hd) [B·H, T, T], kept for backward
  private Tensor merged; // the heads' outputs side by side [B·T, H·hd]
  private Tensor dprobs; // [B·H, T, T]
  private Tensor dqkv; // [B·T, 3·H·hd]

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
    this.compute = params.compute();
    this.heads = heads / tp.size();
    this.headDim = dModel / heads;
    long local = (long) this.heads * headDim;
    qkv = Linear.columnParallel(params, name + ".qkv", dModel, 3 * local, 0.02, 3, tp);
    proj = Linear.rowParallel(params, name + ".proj", local, dModel, projStd, tp);
  }

  /** x [B·T, D] -> [B·T, D]; one all-reduce over the model axis. */
  public Tensor forward(Tensor x, int batch, int time) {
    allocate(batch, time);
    packed = qkv.forward(x);
    double scale = 1 / Math.sqrt(headDim);
    for (int r = 0; r < time; r += ROWS) {
      int rows = Math.min(ROWS, time - r);
      product(
          false,
          true,
          rows,
          r + rows,
          headDim,
          heads(packed, QUERIES, r),
          heads(packed, KEYS, 0),
          squares(probs, r, 0),
          scale);
    }
    compute.causalSoftmaxForward(probs, time);
    for (int r = 0; r < time; r += ROWS) {
      int rows = Math.min(ROWS, time - r);
      product(
          false,
          false,
          rows,
          headDim,
          r + rows,
          squares(probs, r, 0),
          heads(packed, VALUES, 0),
          heads(merged, 0, r),
          1);
    }
    return tp.allReduce(proj.forward(merged));
  }

  /**
   * dy [B·T, D] -> dx [B·T, D]; one all-reduce over the model axis. Gradients of keys and values go
   * by blocks of key positions: keys c..c+n−1 are seen by the queries from c on, so their block is
   * one product over rows c..T−1 and no accumulation across row blocks.
   */
  public Tensor backward(Tensor dy) {
    Tensor dmerged = proj.backward(dy);
    double scale = 1 / Math.sqrt(headDim);
    for (int r = 0; r < time; r += ROWS) {
      int rows = Math.min(ROWS, time - r);
      product(
          false,
          true,
          rows,
          r + rows,
          headDim,
          heads(dmerged, 0, r),
          heads(packed, VALUES, 0),
          squares(dprobs, r, 0),
          1);
    }
    for (int c = 0; c < time; c += ROWS) {
      product(
          true,
          false,
          Math.min(ROWS, time - c),
          headDim,
          time - c,
          squares(probs, c, c),
          heads(dmerged, 0, c),
          heads(dqkv, VALUES, c),
          1);
    }
    compute.causalSoftmaxBackward(dprobs, probs, time);
    for (int r = 0; r < time; r += ROWS) {
      int rows = Math.min(ROWS, time - r);
      product(
          false,
          false,
          rows,
          headDim,
          r + rows,
          squares(dprobs, r, 0),
          heads(packed, KEYS, 0),
          heads(dqkv, QUERIES, r),
          scale);
    }
    for (int c = 0; c < time; c += ROWS) {
      product(
          true,
          false,
          Math.min(ROWS, time - c),
          headDim,
          time - c,
          squares(dprobs, c, c),
          heads(packed, QUERIES, c),
          heads(dqkv, KEYS, c),
          scale);
    }
    return tp.allReduce(qkv.backward(dqkv));
  }

  /**
   * One new position of B sequences that have all seen {@code position} tokens before: x [B, D] ->
   * [B, D]; this position's keys and values are added to the cache and every query attends to its
   * own sequence's cached keys. One all-reduce over the model axis.
   */
  public Tensor decode(Tensor x, KvCache.Layer cache, int position) {
    int rows = (int) x.size(0);
    int width = cacheWidth();
    float[] packedRows = compute.toFloats(qkv.forward(x)); // [B, 3·H·hd]
    for (int b = 0; b < rows; b++) {
      cache(packedRows, b, cache, b, position);
    }
    float[] out = new float[rows * width];
    compute.decodeAttention(
        new DecodeAttentionKernel.Shape(rows, heads, headDim, cache.positions, position),
        packedRows,
        cache.keys,
        cache.values,
        out);
    merged = compute.ensure(merged, rows, width);
    compute.upload(out, merged);
    return tp.allReduce(proj.forward(merged));
  }

  /** Copies the keys and values of the last forward's B sequences of T positions to the cache. */
  void cacheKeysAndValues(KvCache.Layer cache, int batch, int time) {
    float[] rows = compute.toFloats(packed); // [B·T, 3·H·hd]
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < time; t++) {
        cache(rows, b * time + t, cache, b, t);
      }
    }
  }

  /** The keys and values of row {@code row} of packed projections, as sequence b's position. */
  private void cache(float[] packedRows, int row, KvCache.Layer cache, int b, int position) {
    int width = cacheWidth();
    int start = row * 3 * width;
    System.arraycopy(packedRows, start + width, cache.keys, cache.at(b, position), width);
    System.arraycopy(packedRows, start + 2 * width, cache.values, cache.at(b, position), width);
  }

  /** Width of this rank's keys (and values) per position: its heads times the head size. */
  int cacheWidth() {
    return heads * headDim;
  }

  /**
   * Every (sequence, head)'s c = scale · op(a) · op(b), with m rows, n columns and inner size k.
   */
  private void product(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      Compute.Blocks a,
      Compute.Blocks b,
      Compute.Blocks c,
      double scale) {
    compute.batched(transA, transB, batch * heads, m, n, k, a, b, c, scale, 0);
  }

  /**
   * The blocks from position {@code row} on of every sequence's heads in a [B·T, width] matrix
   * whose columns hold parts of H heads each (the packed projection's queries, keys and values:
   * parts 0, 1, 2; merged outputs: part 0): head h of sequence b starts at row b·T + row, column
   * part·H·hd + h·hd.
   */
  private Compute.Blocks heads(Tensor matrix, int part, int row) {
    int width = (int) matrix.size(1);
    long offset = (long) row * width + (long) part * heads * headDim;
    return new Compute.Blocks(matrix, offset, headDim, width, heads, (long) time * width);
  }

  /** The [T, T] blocks of every (sequence, head) in a [B·H, T, T] array, from (row, column) on. */
  private Compute.Blocks squares(Tensor scores, int row, int column) {
    long size = (long) time * time;
    return new Compute.Blocks(scores, (long) row * time + column, size, time);
  }

  private void allocate(int batch, int time) {
    this.batch = batch;
    this.time = time;
    probs = compute.ensure(probs, (long) batch * heads, time, time);
    dprobs = compute.ensure(dprobs, (long) batch * heads, time, time);
    merged = compute.ensure(merged, (long) batch * time, (long) heads * headDim);
    dqkv = compute.ensure(dqkv, (long) batch * time, 3L * heads * headDim);
  }
}
