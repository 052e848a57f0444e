package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.optim.GradientClipping;
import dev.emergent.trainer.tensor.GradientsReady;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-style decoder: embeddings, pre-LN blocks, final layer norm, output head tied to the token
 * embedding, cross-entropy loss. {@link #forward} then {@link #backward} add one micro-batch's
 * gradients to {@link Parameters#grads()}. It computes on the {@link Compute} it is built with and
 * knows no other.
 */
public final class Gpt {
  private final ModelShape shape;
  private final TensorParallel tp;
  private final Parameters parameters;
  private final TokenEmbedding embedding;
  private final List<Block> blocks = new ArrayList<>();
  private final long[][] blockGradients; // [from, to) of each block's range of the flat gradients
  private final LayerNorm finalNorm;
  private final ScalarHead scalarHead;
  private final Compute compute;
  private final LanguageModelLoss loss;
  private Tensor hidden; // final normalised hidden states [B·T, D]
  private Tensor logits; // [B·T, V]
  private Tensor hiddenGrad; // [B·T, D]
  private final List<Gpt> replicas = new ArrayList<>();

  public Gpt(ModelShape shape, Compute compute) {
    this(shape, compute, false);
  }

  /**
   * A GPT; with {@code scalarHead} it also has a linear scalar head on the final hidden states
   * (reward and value models), whose parameters are named {@code score.*}.
   */
  public Gpt(ModelShape shape, Compute compute, boolean scalarHead) {
    this(shape, compute, scalarHead, TensorParallel.single());
  }

  /** This rank's part of a GPT split over a model axis ({@link TensorParallel}). */
  public Gpt(ModelShape shape, Compute compute, boolean scalarHead, TensorParallel tp) {
    this.shape = shape;
    this.tp = tp;
    this.compute = compute;
    this.loss = new LanguageModelLoss(compute);
    Parameters.Builder params = Parameters.builder(compute);
    embedding = new TokenEmbedding(params, shape.vocab(), shape.dModel(), shape.contextLength());
    for (int i = 0; i < shape.layers(); i++) {
      blocks.add(
          new Block(
              params, "h." + i, shape.dModel(), shape.heads(), shape.ffn(), shape.layers(), tp));
    }
    finalNorm = new LayerNorm(params, "ln_f", shape.dModel());
    this.scalarHead = scalarHead ? new ScalarHead(params, "score", shape.dModel()) : null;
    parameters = params.build();
    blockGradients = new long[shape.layers()][];
    for (int i = 0; i < shape.layers(); i++) {
      blockGradients[i] = rangeOf(parameters, "h." + i + ".");
    }
  }

  /** The one contiguous range of the flat buffers the parameters named {@code prefix}… occupy. */
  private static long[] rangeOf(Parameters parameters, String prefix) {
    List<Parameter> named =
        parameters.list().stream().filter(p -> p.name().startsWith(prefix)).toList();
    long from = named.stream().mapToLong(Parameter::offset).min().orElseThrow();
    long to = named.stream().mapToLong(p -> p.offset() + p.length()).max().orElseThrow();
    if (to - from != named.stream().mapToLong(Parameter::length).sum()) {
      throw new IllegalStateException("the parameters " + prefix + "* are not contiguous");
    }
    return new long[] {from, to};
  }

  public ModelShape shape() {
    return shape;
  }

  public TensorParallel tensorParallel() {
    return tp;
  }

  public Parameters parameters() {
    return parameters;
  }

  /** The backend this model computes on. */
  public Compute compute() {
    return compute;
  }

  /** Final normalised hidden states [B·T, D] of ids [B·T] (reused by the next call). */
  public Tensor hidden(int[] ids, int batch, int time) {
    if (time > shape.contextLength()) {
      throw new IllegalArgumentException(
          "sequence of " + time + " tokens is longer than the context of " + shape.contextLength());
    }
    Tensor x = embedding.forward(ids, batch, time);
    for (Block block : blocks) {
      x = block.forward(x, batch, time);
    }
    hidden = finalNorm.forward(x);
    return hidden;
  }

  /** Adds the gradients of the last {@link #hidden} call for dHidden [B·T, D]. */
  public void backwardHidden(Tensor dHidden) {
    backwardHidden(dHidden, GradientsReady.NONE);
  }

  /**
   * The same, telling {@code ready} each block's gradient range as soon as that block is done (the
   * last block first); the embeddings, final norm and head are the caller's to finish.
   */
  public void backwardHidden(Tensor dHidden, GradientsReady ready) {
    Tensor dx = finalNorm.backward(dHidden);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      dx = blocks.get(i).backward(dx);
      ready.ready(blockGradients[i][0], blockGradients[i][1]);
    }
    embedding.backward(dx);
  }

  /**
   * Scales the gradients down to a global L2 norm of {@code maxNorm} (the norm over every rank's
   * shards) and returns the norm before clipping.
   */
  public double clipGradients(double maxNorm) {
    double norm = Math.sqrt(tp.gradNormSquared(parameters));
    return GradientClipping.clip(compute, parameters.grads(), norm, maxNorm);
  }

  /** The scalar head; only models built with one have it. */
  public ScalarHead scalarHead() {
    if (scalarHead == null) {
      throw new IllegalStateException("this model has no scalar head");
    }
    return scalarHead;
  }

  /**
   * The scalar head's score at each of the B·T positions of ids, read back to the host; the head's
   * {@link ScalarHead#backward} then follows this pass.
   */
  public double[] scores(int[] ids, int batch, int time) {
    return compute.toDoubles(scalarHead().forward(hidden(ids, batch, time)));
  }

  /** Runs the model on ids [B·T] and returns logits [B·T, V] (reused by the next call). */
  public Tensor logits(int[] ids, int batch, int time) {
    hidden(ids, batch, time);
    return logitsOfHidden();
  }

  private Tensor logitsOfHidden() {
    Parameter table = embedding.tokenTable();
    logits = compute.ensure(logits, hidden.size(0), shape.vocab());
    compute.gemm(false, true, hidden, table.value(), logits, 1, 0);
    return logits;
  }

  /**
   * This model and {@code n − 1} others of its shape on its backend, with this model's current
   * parameter values and buffers of their own, so that each can decode a part of a batch while the
   * others decode theirs. The others are made once and their values refreshed on every call. Not on
   * a model axis, whose layers all-reduce with the other ranks in step.
   */
  public List<Gpt> withReplicas(int n) {
    if (n > 1 && tp.size() > 1) {
      throw new IllegalStateException(
          "a model split over a model axis of " + tp.size() + " cannot decode in parts");
    }
    while (replicas.size() < n - 1) {
      replicas.add(new Gpt(shape, compute, scalarHead != null, tp));
    }
    List<Gpt> models = new ArrayList<>(List.of(this));
    for (Gpt replica : replicas.subList(0, n - 1)) {
      compute.copy(parameters.values(), replica.parameters.values());
      models.add(replica);
    }
    return models;
  }

  /** An empty cache for decoding {@code batch} sequences of up to {@code positions} tokens. */
  public KvCache newCache(int batch, int positions) {
    if (positions > shape.contextLength()) {
      throw new IllegalArgumentException(
          positions + " positions do not fit the context of " + shape.contextLength());
    }
    return new KvCache(blocks.size(), batch, positions, blocks.get(0).cacheWidth());
  }

  /**
   * Logits [B, V] of the next token after one more token per sequence: tokens [B] at {@code
   * position}, each attending to its sequence's earlier positions in the cache, which this call
   * extends. The same layers as training, with B rows where training has B·T (reused by the next
   * call).
   */
  public Tensor decode(int[] tokens, int position, KvCache cache) {
    Tensor x = embedding.forward(tokens, tokens.length, 1, position);
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).decode(x, cache.layer(i), position);
    }
    hidden = finalNorm.forward(x);
    return logitsOfHidden();
  }

  /**
   * Logits [B·T, V] of ids [B·T] from one full pass, with every layer's keys and values of the T
   * positions written to the cache, so that {@link #decode} continues at position T.
   */
  public Tensor prefill(int[] ids, int batch, int time, KvCache cache) {
    Tensor out = logits(ids, batch, time);
    for (int i = 0; i < blocks.size(); i++) {
      blocks.get(i).cacheKeysAndValues(cache.layer(i), batch, time);
    }
    return out;
  }

  /** Loss of one micro-batch; see {@link LanguageModelLoss} for weights and normalizer. */
  public double forward(Batch batch, double normalizer) {
    logits(batch.inputs(), batch.size(), batch.time());
    return loss.forward(logits, batch.targets(), batch.weights(), normalizer);
  }

  /**
   * Loss of the logits of the last {@link #logits} call against targets with per-position weights;
   * negative weights turn it into a policy-gradient surrogate whose gradient with respect to log
   * p[target] is −weight/normalizer. {@link #backward} then follows.
   */
  public double loss(int[] targets, double[] weights, double normalizer) {
    return loss.forward(logits, targets, weights, normalizer);
  }

  /** Weighted positions of the last forward whose argmax was the target. */
  public long correct() {
    return loss.correct();
  }

  /**
   * Loss of the language-model head on the hidden states of the last {@link #hidden} or {@link
   * #scores} call, as in {@link #loss}: a second head on the same pass. {@link #backward(Tensor,
   * GradientsReady)} then takes both heads' gradients.
   */
  public double lossOfHidden(int[] targets, double[] weights, double normalizer) {
    logitsOfHidden();
    return loss.forward(logits, targets, weights, normalizer);
  }

  /** Adds the gradients of the last {@link #forward} to the parameter gradients. */
  public void backward() {
    backward(GradientsReady.NONE);
  }

  /** The same, telling {@code ready} as in {@link #backwardHidden(Tensor, GradientsReady)}. */
  public void backward(GradientsReady ready) {
    backward(null, ready);
  }

  /**
   * The same, with {@code otherHead} [B·T, D] (or null): the gradient of the hidden states from
   * another head on the same pass, added to the language-model head's.
   */
  public void backward(Tensor otherHead, GradientsReady ready) {
    Tensor dlogits = loss.backward();
    Parameter table = embedding.tokenTable();
    compute.gemm(true, false, dlogits, hidden, table.grad(), 1, 1);
    hiddenGrad = compute.ensure(hiddenGrad, dlogits.size(0), shape.dModel());
    if (otherHead != null) {
      compute.copy(otherHead, hiddenGrad);
    }
    compute.gemm(false, false, dlogits, table.value(), hiddenGrad, 1, otherHead == null ? 0 : 1);
    backwardHidden(hiddenGrad, ready);
  }
}
