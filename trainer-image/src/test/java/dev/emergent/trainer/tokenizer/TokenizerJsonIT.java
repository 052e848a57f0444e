package dev.emergent.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face's own tokenizers library (Rust, through DJL) reads the tokenizer.json we write and
 * encodes text to the same ids as our encoder, and decodes them to the same text.
 */
class TokenizerJsonIT {
  @TempDir Path dir;

  @Test
  void huggingFaceTokenizersEncodeAsWeDo() throws Exception {
    BpeTokenizer ours = BpeTokenizerTest.trained(600);
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(ours, file);

    try (HuggingFaceTokenizer theirs =
        HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).build()) {
      for (String text : BpeTokenizerTest.CORPUS) {
        long[] ids = theirs.encode(text).getIds();
        int[] expected = ours.encode(text);
        assertThat(Arrays.stream(ids).mapToInt(Math::toIntExact).toArray())
            .as(text)
            .containsExactly(expected);
        assertThat(theirs.decode(ids)).isEqualTo(ours.decode(expected));
      }
    }
  }
}
