package dev.emergent.trainer.compute;

import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.kernels.DecodeAttentionKernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Everything the model, its losses and its optimizer compute, on one backend: the boundary between
 * the layers and the device. The layers hold {@link Tensor}s this makes and call only these
 * operations, so they run on whichever backend builds them: {@link CpuCompute} (ND4J's memory,
 * OpenBLAS and the fused kernels of {@code dev.emergent.trainer.kernels}), or the CUDA backend's in
 * the emergent-trainer-cuda jar.
 */
public interface Compute {

  /** A CPU backend computing in {@code dataType} (FLOAT to train, DOUBLE for gradient checks). */
  static Compute cpu(DataType dataType) {
    return new CpuCompute(dataType);
  }

  /** The element type of every tensor this backend makes. */
  DataType dataType();

  /**
   * How many independent parts of a batch this backend runs best at once ({@link #apart}): one on a
   * device, which runs a whole batch faster than parts of it.
   */
  default int parts() {
    return 1;
  }

  /** task(0), …, task(n − 1), each whole, at once where the backend has {@link #parts} for it. */
  default <R> List<R> apart(int n, IntFunction<R> task) {
    List<R> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(task.apply(i));
    }
    return results;
  }

  /** A new tensor of zeros. */
  Tensor zeros(long... shape);

  /** {@code current} when it has this shape, otherwise a new tensor of zeros: reused buffers. */
  default Tensor ensure(Tensor current, long... shape) {
    return current != null && Arrays.equals(current.shape(), shape) ? current : zeros(shape);
  }

  /**
   * A per-row statistic kept from a forward to its backward (layer norm's 1/σ), reused like {@link
   * #ensure}; a backend may keep it at a higher precision than the activations.
   */
  Tensor ensureRowStatistic(Tensor current, long rows);

  Tensor fromHost(float[] values, long... shape);

  Tensor fromHost(double[] values, long... shape);

  float[] toFloats(Tensor tensor);

  double[] toDoubles(Tensor tensor);

  void fill(Tensor tensor, double value);

  /** {@code to = from}, of one length. */
  void copy(Tensor from, Tensor to);

  /** {@code to = values}, of one length: host values into a tensor that already exists. */
  void upload(float[] values, Tensor to);

  /** {@code tensor *= factor}. */
  void scale(Tensor tensor, double factor);

  /** Σ x², accumulated in double. */
  double sumOfSquares(Tensor tensor);

  /** {@code c = alpha · op(a) · op(b) + beta · c} for 2-D tensors. */
  void gemm(
      boolean transA, boolean transB, Tensor a, Tensor b, Tensor c, double alpha, double beta);

  /**
   * Where the blocks of a batched product lie in a tensor: block i = g·group + j starts at element
   * {@code offset + g·groupStride + j·stride} and its rows are {@code ld} elements apart, so a
   * head's columns of a wider matrix are a block without being copied out, and the heads of every
   * sequence (groups of H blocks) are one batch.
   */
  record Blocks(Tensor tensor, long offset, long stride, int ld, int group, long groupStride) {
    /** Blocks evenly spaced: block i starts at {@code offset + i·stride}. */
    public Blocks(Tensor tensor, long offset, long stride, int ld) {
      this(tensor, offset, stride, ld, Integer.MAX_VALUE, 0);
    }

    public long start(int i) {
      return offset + (long) (i / group) * groupStride + (long) (i % group) * stride;
    }
  }

  /** {@code count} products {@code c_i = alpha · op(a_i) · op(b_i) + beta · c_i} of [m, n]. */
  void batched(
      boolean transA,
      boolean transB,
      int count,
      int m,
      int n,
      int k,
      Blocks a,
      Blocks b,
      Blocks c,
      double alpha,
      double beta);

  /** {@code target += Σ_rows m} for m [N, C] and a target of C elements. */
  void addColumnSums(Tensor m, Tensor target);

  /** {@code target = row + beta · target} for every row of target [N, C]; row has C elements. */
  void addRowToEach(Tensor row, Tensor target, double beta);

  /** {@code out = a + b}, all of one length; out may be a or b. */
  void sum(Tensor a, Tensor b, Tensor out);

  /** y = GELU(x) (tanh approximation), with the tanh kept in t for backward. */
  void geluForward(Tensor x, Tensor y, Tensor t);

  void geluBackward(Tensor dy, Tensor x, Tensor t, Tensor dx);

  /** Rows of x [N, D]: x̂ and 1/σ [N] kept for backward, y = x̂·gain + shift. */
  void layerNormForward(
      Tensor x,
      Tensor gain,
      Tensor shift,
      double epsilon,
      Tensor normalized,
      Tensor inverseStd,
      Tensor y);

  /** dx of a layer norm; adds to the gain and shift gradients. */
  void layerNormBackward(
      Tensor dy,
      Tensor normalized,
      Tensor inverseStd,
      Tensor gain,
      Tensor dx,
      Tensor gainGrad,
      Tensor shiftGrad);

  /** In place over rows of [B·H·T, T], the causal mask implied: scores → probabilities. */
  void causalSoftmaxForward(Tensor scores, int time);

  /** In place: dprobs → dscores. */
  void causalSoftmaxBackward(Tensor dprobs, Tensor probs, int time);

  /**
   * Decoding's attention: each sequence's one new query against its cached keys and values, heads
   * side by side. The cache is host arrays ({@code KvCache}), so this runs on host memory: packed
   * [B, 3·H·hd] → out [B, H·hd].
   */
  void decodeAttention(
      DecodeAttentionKernel.Shape shape, float[] packed, float[] keys, float[] values, float[] out);

  /** One AdamW update over flat tensors of one length. */
  void adamW(
      AdamWKernel.Step step, Tensor values, Tensor grads, Tensor first, Tensor second, Tensor mask);

  /** out [N, D]: row i is row ids[i] of table [V, D]. */
  void gatherRows(Tensor table, int[] ids, Tensor out);

  /** Adds row i of rows [N, D] to row ids[i] of table [V, D]. */
  void addToRows(Tensor rows, int[] ids, Tensor table);

  /** Rows of matrix [N, V]: 1 in column ids[i] of row i, 0 elsewhere. */
  void oneHot(Tensor matrix, int[] ids);

  /**
   * probs = softmax of the rows of logits [N, V]; returns Σ_i scale_i · (−log probs[i, target_i])
   * for one-hot targets [N, V] and scale [N, 1].
   */
  double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor scale, Tensor probs);

  /** dlogits = (probs − targets) · scale, row by row. */
  void softmaxCrossEntropyBackward(Tensor probs, Tensor targets, Tensor scale, Tensor dlogits);

  /** The column of each row's largest element. */
  long[] argMaxOfRows(Tensor matrix);
}
