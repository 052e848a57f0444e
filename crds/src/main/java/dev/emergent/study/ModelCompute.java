package dev.emergent.study;

/**
 * Parameters and training FLOPs of the trainer's GPT, counted as Kaplan et al. (2020) count them: N
 * excludes the token and position embeddings (the output head shares the token embedding), and a
 * token costs 6N FLOPs (forward 2N, backward 4N) plus 12 × layers × dModel × context for the
 * attention scores and their weighted sums (the PaLM formula: causal masking's half is not
 * subtracted, as nanoGPT does not).
 */
public record ModelCompute(int layers, int dModel, int ffn, int contextLength) {

  /** Weights and biases of the blocks (attention, MLP, two layer norms) and the final norm. */
  public long nonEmbeddingParameters() {
    long d = dModel;
    long attention = d * 3 * d + 3 * d + d * d + d;
    long mlp = d * ffn + ffn + (long) ffn * d + d;
    long norms = 4 * d;
    return layers * (attention + mlp + norms) + 2 * d;
  }

  public double flopsPerToken() {
    return 6.0 * nonEmbeddingParameters() + 12.0 * layers * dModel * contextLength;
  }

  public double flops(long tokens) {
    return flopsPerToken() * tokens;
  }
}
