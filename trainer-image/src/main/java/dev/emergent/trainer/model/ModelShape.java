package dev.emergent.trainer.model;

import dev.emergent.plan.StageConfig;
import dev.emergent.study.ModelCompute;

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

  /** N and the training FLOPs per token, counted as the scaling study counts them. */
  public ModelCompute compute() {
    return new ModelCompute(layers, dModel, ffn, contextLength);
  }
}
