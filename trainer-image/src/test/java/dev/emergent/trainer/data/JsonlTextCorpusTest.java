package dev.emergent.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlTextCorpusTest {
  @TempDir Path dir;

  private Path file(String content) throws IOException {
    Path file = dir.resolve("text.jsonl");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void windowsAreCutFromTheDocumentsBetweenBeginAndEnd() throws IOException {
    JsonlTextCorpus corpus =
        new JsonlTextCorpus(
            file("{\"text\": \"abc\"}\n\n{\"text\": \"xyz\"}\n"), 1, 0.0, BpeTokenizer.bytes());
    int[] window = new int[10];

    corpus.fill(window, new SplittableRandom(3), false);

    String stream = "";
    for (int id : window) {
      stream += id == Tokens.BEGIN ? "<" : id == Tokens.END ? ">" : Character.toString((char) id);
    }
    assertThat("<abc><xyz><abc><xyz>".repeat(2)).contains(stream);
  }

  @Test
  void heldOutDocumentsNeverReachTraining() throws IOException {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      lines.append("{\"text\": \"").append(i % 2 == 0 ? "a" : "b").append(i).append("\"}\n");
    }
    JsonlTextCorpus corpus =
        new JsonlTextCorpus(file(lines.toString()), 7, 0.5, BpeTokenizer.bytes());
    int[] train = new int[4000];
    int[] heldOut = new int[4000];

    corpus.fill(train, new SplittableRandom(1), false);
    corpus.fill(heldOut, new SplittableRandom(1), true);

    assertThat(BpeTokenizer.bytes().decode(train))
        .isNotEqualTo(BpeTokenizer.bytes().decode(heldOut));
  }

  @Test
  void aBadRecordNamesFileLineAndField() throws IOException {
    Path missing = file("{\"text\": \"ok\"}\n{\"txt\": \"typo\"}\n");
    assertThatThrownBy(() -> new JsonlTextCorpus(missing, 1, 0.1, BpeTokenizer.bytes()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(missing + ":2: missing field \"text\"");

    Path number = file("{\"text\": 42}\n");
    assertThatThrownBy(() -> new JsonlTextCorpus(number, 1, 0.1, BpeTokenizer.bytes()))
        .hasMessage(number + ":1: field \"text\" must be a string");

    Path broken = file("{\"text\": \"ok\"}\n{\"text\": \n");
    assertThatThrownBy(() -> new JsonlTextCorpus(broken, 1, 0.1, BpeTokenizer.bytes()))
        .hasMessageStartingWith(broken + ":2: not JSON");

    assertThatThrownBy(
            () -> new JsonlTextCorpus(dir.resolve("none.jsonl"), 1, 0.1, BpeTokenizer.bytes()))
        .hasMessage(dir.resolve("none.jsonl") + ": no such file");
  }
}
