package dev.emergent.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chosen answers of reward-model pairs, as an SFT batch reads them. */
class PreferenceBatchesTest {
  private final PromptFormat format = new PromptFormat(BpeTokenizer.bytes());

  @Test
  void onlyTheChosenCompletionAndItsEndAreWeighted() {
    int context = 32;
    PreferenceBatches.Pairs batch =
        new PreferenceBatches(
                new ArithmeticPostTraining(new ArithmeticTask(1, 7, 0.1)), 7, context, format)
            .train(0, 0, 8);
    int time = batch.time();
    for (int row = 0; row < 2 * batch.pairs(); row++) {
      StringBuilder weighted = new StringBuilder();
      for (int t = 0; t < time; t++) {
        int at = row * time + t;
        if (t + 1 < time) {
          assertThat(batch.targets()[at]).isEqualTo(batch.ids()[at + 1]);
        }
        if (batch.chosenWeights()[at] > 0) {
          assertThat(batch.chosenWeights()[at]).isEqualTo(1);
          weighted.append(batch.targets()[at] == Tokens.END ? "<END>" : (char) batch.targets()[at]);
        }
      }
      if (row % 2 == 1) {
        assertThat(weighted).as("rejected row %d", row).isEmpty();
      } else {
        String text = new String(rowBytes(batch, row), StandardCharsets.ISO_8859_1);
        String answer = text.substring(text.indexOf('=') + 1);
        assertThat(weighted.toString())
            .as("chosen row %d: %s", row, text)
            .isEqualTo(answer + "<END>");
        assertThat(batch.last()[row]).isEqualTo(row * time + text.length() + 2);
      }
    }
  }

  /** The row's prompt and completion bytes, without the format's special tokens. */
  private static byte[] rowBytes(PreferenceBatches.Pairs batch, int row) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int t = 0; t < batch.time(); t++) {
      int id = batch.ids()[row * batch.time() + t];
      if (id < 256) {
        bytes.write(id);
      }
    }
    return bytes.toByteArray();
  }
}
