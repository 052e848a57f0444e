package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Buffers;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Token plus learned position embeddings. The lookup is a product with a one-hot matrix: one GEMM
 * instead of a row copy per token, and its backward is the transposed product.
 */
public final class TokenEmbedding {
  private final Parameter tokens; // wte [V, D], shared with the output head
  private final Parameter positions; // wpe [C, D]
  private INDArray oneHot; // [B·T, V]
  private INDArray output; // [B·T, D]
  private int time;
  private int first; // position of the first of the T tokens

  public TokenEmbedding(Parameters.Builder params, int vocab, int dModel, int context) {
    tokens = params.matrix("wte", vocab, dModel, 0.02);
    positions = params.matrix("wpe", context, dModel, 0.01);
  }

  public Parameter tokenTable() {
    return tokens;
  }

  /** ids [B·T] -> x [B·T, D]. */
  public INDArray forward(int[] ids, int batch, int time) {
    return forward(ids, batch, time, 0);
  }

  /** ids [B·T] of positions first..first+T−1 -> x [B·T, D]; decoding passes T = 1. */
  public INDArray forward(int[] ids, int batch, int time, int first) {
    this.time = time;
    this.first = first;
    long vocab = tokens.shape()[0];
    long dModel = tokens.shape()[1];
    oneHot = OneHot.fill(Buffers.ensure(oneHot, tokens.value().dataType(), ids.length, vocab), ids);
    output = Buffers.ensure(output, tokens.value().dataType(), ids.length, dModel);
    Blas.gemm(false, false, oneHot, tokens.value(), output, 1, 0);
    Blas.addRowToEach(
        positionRows(positions.value()), output.reshape('c', batch, time * dModel), 1);
    return output;
  }

  /** dx [B·T, D]: adds to the token and position tables' gradients. */
  public void backward(INDArray dx) {
    long dModel = tokens.shape()[1];
    Blas.gemm(true, false, oneHot, dx, tokens.grad(), 1, 1);
    Blas.addColumnSums(
        dx.reshape('c', dx.size(0) / time, time * dModel), positionRows(positions.grad()));
  }

  /** Rows first..first+T−1 of a position table, flattened: [T·D]. */
  private INDArray positionRows(INDArray table) {
    return table
        .get(NDArrayIndex.interval(first, first + time), NDArrayIndex.all())
        .reshape('c', new long[] {time * table.size(1)});
  }
}
