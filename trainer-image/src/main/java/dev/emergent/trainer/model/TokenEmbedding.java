package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;

/**
 * Token plus learned position embeddings: a row of the token table per id, plus its position's row.
 */
public final class TokenEmbedding {
  private final Parameter tokens; // wte [V, D], shared with the output head
  private final Parameter positions; // wpe [C, D]
  private final Compute compute;
  private int[] ids; // [B·T], kept for backward
  private Tensor output; // [B·T, D]
  private int time;
  private int first; // position of the first of the T tokens

  public TokenEmbedding(Parameters.Builder params, int vocab, int dModel, int context) {
    tokens = params.matrix("wte", vocab, dModel, 0.02);
    positions = params.matrix("wpe", context, dModel, 0.01);
    compute = params.compute();
  }

  public Parameter tokenTable() {
    return tokens;
  }

  /** ids [B·T] -> x [B·T, D]. */
  public Tensor forward(int[] ids, int batch, int time) {
    return forward(ids, batch, time, 0);
  }

  /** ids [B·T] of positions first..first+T−1 -> x [B·T, D]; decoding passes T = 1. */
  public Tensor forward(int[] ids, int batch, int time, int first) {
    this.time = time;
    this.first = first;
    this.ids = ids.clone();
    long dModel = tokens.shape()[1];
    output = compute.ensure(output, ids.length, dModel);
    compute.gatherRows(tokens.value(), ids, output);
    compute.addRowToEach(positionRows(positions.value()), output.reshape(batch, time * dModel), 1);
    return output;
  }

  /** dx [B·T, D]: adds to the token and position tables' gradients. */
  public void backward(Tensor dx) {
    long dModel = tokens.shape()[1];
    compute.addToRows(dx, ids, tokens.grad());
    compute.addColumnSums(
        dx.reshape(dx.size(0) / time, time * dModel), positionRows(positions.grad()));
  }

  /** Rows first..first+T−1 of a position table, flattened: [T·D]. */
  private Tensor positionRows(Tensor table) {
    long dModel = table.size(1);
    return table.slice(first * dModel, time * dModel);
  }
}
