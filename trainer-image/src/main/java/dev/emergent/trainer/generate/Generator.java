package dev.emergent.trainer.generate;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.KvCache;
import dev.emergent.trainer.model.ModelShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Decoding on the model's own layers with a KV cache ({@link Gpt#decode}): the sequences of a
 * request list advance together one position per step, so every step is one pass of B rows through
 * the same GEMMs as training, and each new token attends to its sequence's cached keys and values.
 * A sequence stops at its END, its token budget or the context; a prompt shorter than the others
 * starts sampling while the longer ones are still being read.
 */
public final class Generator {
  /** Sequences decoded together at most: bounds the cache's memory. */
  static final int BATCH = 64;

  /**
   * Fewest sequences a part of a batch decodes: below it, refreshing a copy's parameters costs more
   * than the part saves.
   */
  private static final int MIN_PART = 8;

  private final Gpt gpt;
  private final ModelShape shape;
  private final int parts;

  /** How to pick each next token. */
  public record Sampling(double temperature, int topK, int maxNewTokens) {
    public static Sampling greedy(int maxNewTokens) {
      return new Sampling(0, 0, maxNewTokens);
    }
  }

  /** A prompt to complete, how, and the random stream its tokens are drawn from. */
  public record Request(int[] prompt, Sampling sampling, SplittableRandom random) {}

  /** A prompt's response tokens (without the END that stopped it) and their log-probabilities. */
  public record Completion(int[] tokens, double[] logProbs, boolean ended) {}

  public Generator(Gpt gpt) {
    this(gpt, gpt.compute().parts());
  }

  /** A generator that decodes a batch in up to {@code parts} parts side by side. */
  Generator(Gpt gpt, int parts) {
    this.gpt = gpt;
    this.shape = gpt.shape();
    this.parts = parts;
  }

  public Completion complete(int[] prompt, Sampling sampling, SplittableRandom random) {
    return completeAll(List.of(new Request(prompt, sampling, random))).get(0);
  }

  /** Completions of every request, in order, decoded in batches of up to {@value #BATCH}. */
  public List<Completion> completeAll(List<Request> requests) {
    return inBatches(requests.size(), (from, to) -> decode(requests.subList(from, to)));
  }

  /** What {@code batch} returns for [from, to) of n items, in batches of up to {@value #BATCH}. */
  private static <R> List<R> inBatches(int n, BiFunction<Integer, Integer, List<R>> batch) {
    List<R> out = new ArrayList<>();
    for (int start = 0; start < n; start += BATCH) {
      out.addAll(batch.apply(start, Math.min(n, start + BATCH)));
    }
    return out;
  }

  /**
   * A batch in parts decoded side by side, one per part the backend runs at once ({@link
   * Compute#parts}), each on its own copy of the model. Every part reads the batch's common prompt
   * length in its first full pass, so each sequence goes through the same products as in the whole
   * batch, whose rows never mix: a part decodes what the whole batch would, up to the last bits of
   * the BLAS's sums, which may be blocked differently for fewer rows.
   */
  private List<Completion> decode(List<Request> requests) {
    int n = requests.size();
    int shortest = requests.stream().mapToInt(r -> r.prompt().length).min().orElseThrow();
    int parts = Math.min(this.parts, n / MIN_PART);
    if (parts <= 1 || gpt.tensorParallel().size() > 1) {
      return decode(gpt, requests, shortest);
    }
    List<Gpt> models = gpt.withReplicas(parts);
    List<Completion> completions = new ArrayList<>();
    gpt.compute()
        .apart(
            parts,
            i ->
                decode(
                    models.get(i), requests.subList(i * n / parts, (i + 1) * n / parts), shortest))
        .forEach(completions::addAll);
    return completions;
  }

  /** Decodes requests whose prompts have at least {@code shortest} tokens. */
  private List<Completion> decode(Gpt model, List<Request> requests, int shortest) {
    Sequence[] sequences = new Sequence[requests.size()];
    int positions = 0;
    for (int b = 0; b < sequences.length; b++) {
      sequences[b] = new Sequence(requests.get(b));
      positions = Math.max(positions, sequences[b].lastPosition() + 1);
    }
    KvCache cache = model.newCache(sequences.length, Math.max(positions, shortest));
    int start = shortest > 1 ? prefill(model, sequences, shortest, cache) : 0;
    int[] tokens = new int[sequences.length];
    for (int position = start; position < positions; position++) {
      boolean any = false;
      for (int b = 0; b < sequences.length; b++) {
        tokens[b] = sequences[b].tokenAt(position);
        any |= !sequences[b].done;
      }
      if (!any) {
        break;
      }
      float[] logits = model.compute().toFloats(model.decode(tokens, position, cache));
      for (int b = 0; b < sequences.length; b++) {
        sequences[b].next(logits, b, position);
      }
    }
    List<Completion> completions = new ArrayList<>();
    for (Sequence sequence : sequences) {
      completions.add(sequence.completion());
    }
    return completions;
  }

  /**
   * Reads the first {@code length} tokens of every prompt in one full pass (a GEMM of B·length rows
   * rather than length passes of B rows), filling the cache, and samples the first token of the
   * prompts that end there; returns the first position left to decode.
   */
  private int prefill(Gpt model, Sequence[] sequences, int length, KvCache cache) {
    int[] ids = new int[sequences.length * length];
    for (int b = 0; b < sequences.length; b++) {
      System.arraycopy(sequences[b].prompt, 0, ids, b * length, length);
    }
    float[] logits = model.compute().toFloats(model.prefill(ids, sequences.length, length, cache));
    for (int b = 0; b < sequences.length; b++) {
      sequences[b].next(logits, b * length + length - 1, length - 1);
    }
    return length;
  }

  /** One request's state while the batch decodes. */
  private final class Sequence {
    private final int[] prompt;
    private final Sampling sampling;
    private final SplittableRandom random;
    private final int[] tokens;
    private final double[] logProbs;
    private int count;
    private boolean ended;
    private boolean done;

    Sequence(Request request) {
      prompt = request.prompt();
      if (prompt.length == 0 || prompt.length >= shape.contextLength()) {
        throw new IllegalArgumentException(
            "a prompt needs 1 to " + (shape.contextLength() - 1) + " tokens, got " + prompt.length);
      }
      sampling = request.sampling();
      random = request.random();
      int budget = Math.min(sampling.maxNewTokens(), shape.contextLength() - prompt.length);
      tokens = new int[Math.max(0, budget)];
      logProbs = new double[tokens.length];
      done = tokens.length == 0;
    }

    /** The last position whose token is fed to the model: the one before the last new token. */
    int lastPosition() {
      return prompt.length + tokens.length - 2;
    }

    /** The token this sequence feeds at a position: its prompt's, then its own samples. */
    int tokenAt(int position) {
      if (position < prompt.length) {
        return prompt[position];
      }
      return done ? Tokens.PADDING : tokens[position - prompt.length];
    }

    /** Samples the token after {@code position} once the prompt has been read. */
    void next(float[] logits, int row, int position) {
      if (done || position < prompt.length - 1) {
        return;
      }
      double[] logp = logSoftmax(logits, row, sampling.temperature());
      int token = pick(logp, sampling, random);
      if (token == Tokens.END) {
        ended = true;
        done = true;
        return;
      }
      tokens[count] = token;
      logProbs[count] = logp[token];
      count++;
      done = count == tokens.length;
    }

    Completion completion() {
      return new Completion(Arrays.copyOf(tokens, count), Arrays.copyOf(logProbs, count), ended);
    }
  }

  /**
   * Log-probability of each token of each continuation after its prompt and the continuation's
   * tokens before it (teacher forcing), from one full pass per batch; each sequence must fit the
   * context.
   */
  public List<double[]> logLikelihoods(List<int[]> prompts, List<int[]> continuations) {
    return inBatches(
        prompts.size(),
        (from, to) ->
            logLikelihoodsOfBatch(prompts.subList(from, to), continuations.subList(from, to)));
  }

  public double[] logLikelihoods(int[] prompt, int[] continuation) {
    return logLikelihoods(List.of(prompt), List.of(continuation)).get(0);
  }

  private List<double[]> logLikelihoodsOfBatch(List<int[]> prompts, List<int[]> continuations) {
    int time = 0;
    for (int i = 0; i < prompts.size(); i++) {
      int length = prompts.get(i).length + continuations.get(i).length;
      if (prompts.get(i).length == 0 || length > shape.contextLength()) {
        throw new IllegalArgumentException(
            "prompt and continuation need 1 to "
                + shape.contextLength()
                + " tokens, got "
                + length);
      }
      time = Math.max(time, length - 1);
    }
    int[] ids = new int[prompts.size() * time];
    Arrays.fill(ids, Tokens.PADDING);
    for (int i = 0; i < prompts.size(); i++) {
      int[] prompt = prompts.get(i);
      int[] continuation = continuations.get(i);
      System.arraycopy(prompt, 0, ids, i * time, prompt.length);
      System.arraycopy(
          continuation, 0, ids, i * time + prompt.length, Math.max(0, continuation.length - 1));
    }
    float[] logits = gpt.compute().toFloats(gpt.logits(ids, prompts.size(), time));
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] continuation = continuations.get(i);
      double[] logp = new double[continuation.length];
      for (int k = 0; k < continuation.length; k++) {
        int row = i * time + prompts.get(i).length - 1 + k;
        logp[k] = logSoftmax(logits, row, 1)[continuation[k]];
      }
      out.add(logp);
    }
    return out;
  }

  /** Logits [V] of each position of ids, one position at a time through the cache. */
  public float[][] logits(int[] ids) {
    KvCache cache = gpt.newCache(1, ids.length);
    float[][] out = new float[ids.length][];
    for (int position = 0; position < ids.length; position++) {
      out[position] =
          gpt.compute().toFloats(gpt.decode(new int[] {ids[position]}, position, cache));
    }
    return out;
  }

  /**
   * Log-softmax of a row of logits [rows, V] over the tokens in use (padding rows never win);
   * temperature 0 means greedy.
   */
  private double[] logSoftmax(float[] logits, int row, double temperature) {
    int used = shape.usedVocab();
    int start = row * shape.vocab();
    double scale = temperature > 0 ? 1 / temperature : 1;
    double[] scaled = new double[used];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < used; i++) {
      scaled[i] = logits[start + i] * scale;
      max = Math.max(max, scaled[i]);
    }
    double sum = 0;
    for (int i = 0; i < used; i++) {
      sum += Math.exp(scaled[i] - max);
    }
    double log = Math.log(sum) + max;
    for (int i = 0; i < used; i++) {
      scaled[i] -= log;
    }
    return scaled;
  }

  private static int pick(double[] logp, Sampling sampling, SplittableRandom random) {
    if (sampling.temperature() <= 0) {
      int best = 0;
      for (int i = 1; i < logp.length; i++) {
        if (logp[i] > logp[best]) {
          best = i;
        }
      }
      return best;
    }
    double threshold = Double.NEGATIVE_INFINITY;
    if (sampling.topK() > 0 && sampling.topK() < logp.length) {
      double[] sorted = logp.clone();
      Arrays.sort(sorted);
      threshold = sorted[sorted.length - sampling.topK()];
    }
    double total = 0;
    for (double lp : logp) {
      total += lp >= threshold ? Math.exp(lp) : 0;
    }
    double u = random.nextDouble() * total;
    for (int i = 0; i < logp.length; i++) {
      if (logp[i] >= threshold) {
        u -= Math.exp(logp[i]);
        if (u <= 0) {
          return i;
        }
      }
    }
    return logp.length - 1;
  }
}
