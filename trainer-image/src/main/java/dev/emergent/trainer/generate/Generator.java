package dev.emergent.trainer.generate;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.tensor.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Token-by-token decoding with a KV cache: each new token attends to the keys and values cached for
 * the tokens before it, so a response of n tokens costs n single-position passes instead of n full
 * passes. A copy of the model's weights in plain arrays: one position at a time is matrix-vector
 * work, where per-op overhead, not FLOPs, would dominate in ND4J.
 */
public final class Generator {
  private final ModelShape shape;
  private final float[] wte; // [V, D]
  private final float[] wpe; // [C, D]
  private final float[][] ln1w, ln1b, qkvW, qkvB, projW, projB, ln2w, ln2b, fcW, fcB, outW, outB;
  private final float[] lnfW; // [D]
  private final float[] lnfB; // [D]

  /** How to pick each next token. */
  public record Sampling(double temperature, int topK, int maxNewTokens) {
    public static Sampling greedy(int maxNewTokens) {
      return new Sampling(0, 0, maxNewTokens);
    }
  }

  /** A prompt's response tokens (without the END that stopped it) and their log-probabilities. */
  public record Completion(int[] tokens, double[] logProbs, boolean ended) {}

  public Generator(Gpt gpt) {
    shape = gpt.shape();
    Map<String, float[]> w = new HashMap<>();
    for (Parameter p : gpt.parameters().list()) {
      w.put(p.name(), p.value().dup().data().asFloat());
    }
    int layers = shape.layers();
    wte = w.get("wte");
    wpe = w.get("wpe");
    ln1w = new float[layers][];
    ln1b = new float[layers][];
    qkvW = new float[layers][];
    qkvB = new float[layers][];
    projW = new float[layers][];
    projB = new float[layers][];
    ln2w = new float[layers][];
    ln2b = new float[layers][];
    fcW = new float[layers][];
    fcB = new float[layers][];
    outW = new float[layers][];
    outB = new float[layers][];
    for (int l = 0; l < layers; l++) {
      String h = "h." + l;
      ln1w[l] = w.get(h + ".ln1.weight");
      ln1b[l] = w.get(h + ".ln1.bias");
      qkvW[l] = w.get(h + ".attn.qkv.weight");
      qkvB[l] = w.get(h + ".attn.qkv.bias");
      projW[l] = w.get(h + ".attn.proj.weight");
      projB[l] = w.get(h + ".attn.proj.bias");
      ln2w[l] = w.get(h + ".ln2.weight");
      ln2b[l] = w.get(h + ".ln2.bias");
      fcW[l] = w.get(h + ".mlp.fc.weight");
      fcB[l] = w.get(h + ".mlp.fc.bias");
      outW[l] = w.get(h + ".mlp.proj.weight");
      outB[l] = w.get(h + ".mlp.proj.bias");
    }
    lnfW = w.get("ln_f.weight");
    lnfB = w.get("ln_f.bias");
  }

  public Completion complete(int[] prompt, Sampling sampling, SplittableRandom random) {
    if (prompt.length == 0 || prompt.length >= shape.contextLength()) {
      throw new IllegalArgumentException(
          "a prompt needs 1 to " + (shape.contextLength() - 1) + " tokens, got " + prompt.length);
    }
    Cache cache = new Cache();
    float[] logits = null;
    for (int pos = 0; pos < prompt.length; pos++) {
      logits = cache.step(prompt[pos], pos);
    }
    List<Integer> tokens = new ArrayList<>();
    List<Double> logProbs = new ArrayList<>();
    boolean ended = false;
    for (int pos = prompt.length; tokens.size() < sampling.maxNewTokens(); pos++) {
      double[] logp = logSoftmax(logits, sampling.temperature());
      int next = pick(logp, sampling, random);
      if (next == Tokens.END) {
        ended = true;
        break;
      }
      tokens.add(next);
      logProbs.add(logp[next]);
      if (pos >= shape.contextLength() - 1) {
        break;
      }
      logits = cache.step(next, pos);
    }
    return new Completion(
        tokens.stream().mapToInt(Integer::intValue).toArray(),
        logProbs.stream().mapToDouble(Double::doubleValue).toArray(),
        ended);
  }

  /**
   * Log-probability of each token of {@code continuation} after {@code prompt} and the tokens of
   * the continuation before it (teacher forcing); the sequence must fit the context.
   */
  public double[] logLikelihoods(int[] prompt, int[] continuation) {
    if (prompt.length == 0 || prompt.length + continuation.length > shape.contextLength()) {
      throw new IllegalArgumentException(
          "prompt and continuation need 1 to "
              + shape.contextLength()
              + " tokens, got "
              + (prompt.length + continuation.length));
    }
    Cache cache = new Cache();
    float[] logits = null;
    for (int pos = 0; pos < prompt.length; pos++) {
      logits = cache.step(prompt[pos], pos);
    }
    double[] out = new double[continuation.length];
    for (int i = 0; i < continuation.length; i++) {
      out[i] = logSoftmax(logits, 1)[continuation[i]];
      if (i + 1 < continuation.length) {
        logits = cache.step(continuation[i], prompt.length + i);
      }
    }
    return out;
  }

  /** Logits [V] of each position of ids, one position at a time through the cache. */
  public float[][] logits(int[] ids) {
    Cache cache = new Cache();
    float[][] out = new float[ids.length][];
    for (int pos = 0; pos < ids.length; pos++) {
      out[pos] = cache.step(ids[pos], pos);
    }
    return out;
  }

  /** Log-softmax over the tokens in use (padding rows never win); temperature 0 means greedy. */
  private double[] logSoftmax(float[] logits, double temperature) {
    int used = shape.usedVocab();
    double scale = temperature > 0 ? 1 / temperature : 1;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < used; i++) {
      max = Math.max(max, logits[i] * scale);
    }
    double sum = 0;
    for (int i = 0; i < used; i++) {
      sum += Math.exp(logits[i] * scale - max);
    }
    double log = Math.log(sum) + max;
    double[] logp = new double[used];
    for (int i = 0; i < used; i++) {
      logp[i] = logits[i] * scale - log;
    }
    return logp;
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
      java.util.Arrays.sort(sorted);
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

  /** Keys and values of every layer for the positions seen so far. */
  private final class Cache {
    private final int d = shape.dModel();
    private final int heads = shape.heads();
    private final int hd = d / heads;
    private final int ffn = shape.ffn();
    private final float[][] keys = new float[shape.layers()][shape.contextLength() * d];
    private final float[][] values = new float[shape.layers()][shape.contextLength() * d];

    /** Runs one position and returns its logits [V]. */
    float[] step(int token, int pos) {
      float[] x = new float[d];
      for (int i = 0; i < d; i++) {
        x[i] = wte[token * d + i] + wpe[pos * d + i];
      }
      float[] qkv = new float[3 * d];
      float[] y = new float[d];
      float[] hidden = new float[ffn];
      double[] scores = new double[pos + 1];
      for (int l = 0; l < shape.layers(); l++) {
        float[] a = layerNorm(x, ln1w[l], ln1b[l]);
        matVec(a, qkvW[l], qkvB[l], qkv, d, 3 * d);
        System.arraycopy(qkv, d, keys[l], pos * d, d);
        System.arraycopy(qkv, 2 * d, values[l], pos * d, d);
        java.util.Arrays.fill(y, 0);
        double scale = 1 / Math.sqrt(hd);
        for (int h = 0; h < heads; h++) {
          int o = h * hd;
          double max = Double.NEGATIVE_INFINITY;
          for (int t = 0; t <= pos; t++) {
            double s = 0;
            for (int j = 0; j < hd; j++) {
              s += qkv[o + j] * keys[l][t * d + o + j];
            }
            scores[t] = s * scale;
            max = Math.max(max, scores[t]);
          }
          double sum = 0;
          for (int t = 0; t <= pos; t++) {
            scores[t] = Math.exp(scores[t] - max);
            sum += scores[t];
          }
          for (int t = 0; t <= pos; t++) {
            double p = scores[t] / sum;
            for (int j = 0; j < hd; j++) {
              y[o + j] += (float) (p * values[l][t * d + o + j]);
            }
          }
        }
        float[] attended = new float[d];
        matVec(y, projW[l], projB[l], attended, d, d);
        for (int i = 0; i < d; i++) {
          x[i] += attended[i];
        }
        float[] m = layerNorm(x, ln2w[l], ln2b[l]);
        matVec(m, fcW[l], fcB[l], hidden, d, ffn);
        for (int i = 0; i < ffn; i++) {
          double v = hidden[i];
          hidden[i] =
              (float)
                  (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        }
        float[] mlp = new float[d];
        matVec(hidden, outW[l], outB[l], mlp, ffn, d);
        for (int i = 0; i < d; i++) {
          x[i] += mlp[i];
        }
      }
      float[] f = layerNorm(x, lnfW, lnfB);
      float[] logits = new float[shape.vocab()];
      for (int v = 0; v < shape.vocab(); v++) {
        double s = 0;
        for (int i = 0; i < d; i++) {
          s += f[i] * wte[v * d + i];
        }
        logits[v] = (float) s;
      }
      return logits;
    }

    private float[] layerNorm(float[] x, float[] gain, float[] shift) {
      double mean = 0;
      for (float v : x) {
        mean += v;
      }
      mean /= x.length;
      double var = 0;
      for (float v : x) {
        var += (v - mean) * (v - mean);
      }
      double inv = 1 / Math.sqrt(var / x.length + 1e-5);
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = (float) ((x[i] - mean) * inv * gain[i] + shift[i]);
      }
      return y;
    }

    /** out[n] = Σ_k in[k]·W[k, n] + b[n] for row-major W [rows, cols]. */
    private void matVec(float[] in, float[] w, float[] b, float[] out, int rows, int cols) {
      System.arraycopy(b, 0, out, 0, cols);
      for (int k = 0; k < rows; k++) {
        float v = in[k];
        int base = k * cols;
        for (int n = 0; n < cols; n++) {
          out[n] += v * w[base + n];
        }
      }
    }
  }
}
