package dev.emergent.trainer.checkpoint;

import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.TokenizerJson;

/** The vocabulary of a checkpoint's model: the file saved with it, else the bytes. */
public final class CheckpointTokenizer {
  private CheckpointTokenizer() {}

  public static BpeTokenizer of(CheckpointStore.Loaded checkpoint) {
    if (!checkpoint.manifest().sha256().containsKey(Manifest.TOKENIZER_FILE)) {
      return BpeTokenizer.bytes();
    }
    return TokenizerJson.read(checkpoint.folder().resolve(Manifest.TOKENIZER_FILE));
  }
}
