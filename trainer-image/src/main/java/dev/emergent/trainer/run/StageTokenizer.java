package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.Manifest;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.nio.file.Path;

/** The vocabulary a stage's model is sized for: the bytes, or the spec's tokenizer file. */
final class StageTokenizer {
  private StageTokenizer() {}

  static BpeTokenizer of(StageConfig config, Path dataRoot) {
    String path = config.model().tokenizer();
    if (path == null) {
      return BpeTokenizer.bytes();
    }
    BpeTokenizer tokenizer = TokenizerJson.read(dataRoot.resolve(path));
    if (tokenizer.vocabSize() != config.model().vocabSize()) {
      throw new BadInputException(
          path
              + " has "
              + tokenizer.vocabSize()
              + " ids, but spec.model.tokenizer.vocabSize says "
              + config.model().vocabSize());
    }
    return tokenizer;
  }

  /**
   * A checkpoint's weights mean something only in the vocabulary they were trained with: one of
   * another tokenizer is refused (a checkpoint without a record is of the byte vocabulary).
   */
  static void requireSame(Manifest manifest, Path folder, BpeTokenizer tokenizer) {
    String trained =
        manifest.tokenizerSha256() != null
            ? manifest.tokenizerSha256()
            : BpeTokenizer.bytes().sha256();
    if (!trained.equals(tokenizer.sha256())) {
      throw new BadInputException(
          folder
              + " was trained with another tokenizer (sha256 "
              + trained.substring(0, 12)
              + "…) than this stage's (sha256 "
              + tokenizer.sha256().substring(0, 12)
              + "…, spec.model): a model cannot change its vocabulary");
    }
  }
}
