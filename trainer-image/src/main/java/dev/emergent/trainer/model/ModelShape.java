package dev.emergent.trainer.model;

import dev.emergent.plan.StageConfig;

/** Sizes of a GPT; {@code vocab} rows of the embedding, of which {@code usedVocab} are tokens. */
public record ModelShape(
    int layers, int dModel, int heads, int ffn, int contextLength, int usedVocab, int vocab) {

  public static ModelShape of(StageConfig.Model model) {
    return new ModelShape(
        model.layers(),
        model.dModel(),
        model.heads(),
        model.ffn(),
        model.contextLength(),
        model.vocabSize(),
        model.paddedVocabSize());
  }

  /** Parameters outside the embeddings: N of the 6N FLOPs-per-token estimate. */
  public long nonEmbeddingParameters() {
    long perBlock =
        4L * dModel // two layer norms
            + 3L * dModel * dModel
            + 3L * dModel // qkv
            + (long) dModel * dModel
            + dModel // attention projection
            + 2L * dModel * ffn
            + ffn
            + dModel; // MLP
    return layers * perBlock + 2L * dModel;
  }

  /** Training FLOPs per token, with attention: 6N + 12·L·d·T (PaLM's MFU formula). */
  public double trainingFlopsPerToken(int time) {
    return 6.0 * nonEmbeddingParameters() + 12.0 * layers * dModel * time;
  }
}
