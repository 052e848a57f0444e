package dev.emergent.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {
  @TempDir Path dir;

  static final List<String> CORPUS =
      List.of(
          "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.",
          "A fortune cookie says: the best way to predict the future is to invent it.",
          "Numbers like 12345 and 2026 split apart from words, don't they? It's 3.14!",
          "Größere Modelle lernen schneller. 大きなモデル。 Émergence — à l'échelle 🚀🚀.",
          "    indented code\n\tand tabs\n\n\nand blank lines   \n");

  static BpeTokenizer trained(int vocab) {
    BpeTrainer trainer = new BpeTrainer();
    for (int i = 0; i < 20; i++) {
      CORPUS.forEach(trainer::add);
    }
    return trainer.train(vocab, size -> {});
  }

  @Test
  void everyByteIsOnePrintableSymbolAndSpaceIsTheGpt2One() {
    Set<Character> chars = new HashSet<>();
    for (int b = 0; b < 256; b++) {
      char c = ByteLevel.of(b);
      assertThat(Character.isWhitespace(c) || Character.isISOControl(c)).as("byte %d", b).isFalse();
      chars.add(c);
    }
    assertThat(chars).hasSize(256);
    assertThat(ByteLevel.of(' ')).isEqualTo('Ġ');
    assertThat(ByteLevel.of('\n')).isEqualTo('Ċ');
  }

  @Test
  void frequentWordsBecomeOneTokenAndTheSameCorpusGivesTheSameTokenizer() {
    BpeTokenizer tokenizer = trained(400);

    assertThat(tokenizer.vocabSize()).isEqualTo(400);
    assertThat(tokenizer.encode(" the")).hasSize(1);
    assertThat(tokenizer.encode(" fox jumps").length).isLessThan(" fox jumps".length());
    assertThat(trained(400).sha256()).isEqualTo(tokenizer.sha256());
    assertThat(trained(399).sha256()).isNotEqualTo(tokenizer.sha256());
  }

  @Test
  void anyTextSurvivesEncodeAndDecodeAndMergesNeverCrossAWord() {
    BpeTokenizer tokenizer = trained(500);
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < 40; c++) {
        int codePoint =
            switch (random.nextInt(4)) {
              case 0 -> ' ' + random.nextInt(95);
              case 1 -> "\n\t  ".charAt(random.nextInt(4));
              case 2 -> 0x4e00 + random.nextInt(200);
              default -> 0x1f600 + random.nextInt(50);
            };
        text.appendCodePoint(codePoint);
      }
      String original = text.toString();
      assertThat(tokenizer.decode(tokenizer.encode(original))).isEqualTo(original);
    }
    for (int id : tokenizer.encode(" the dog")) {
      assertThat(tokenizer.decode(new int[] {id})).isIn(" the", " dog");
    }
  }

  @Test
  void theLowestRankedMergeAppliesFirst() {
    // merges in rank order: (a,b)→ab, (b,c)→bc, (ab,c)→abc
    List<String> symbols = new java.util.ArrayList<>(BpeTokenizer.baseSymbols());
    symbols.addAll(List.of("ab", "bc", "abc"));
    BpeTokenizer tokenizer =
        new BpeTokenizer(
            symbols,
            List.of(new int[] {'a', 'b'}, new int[] {'b', 'c'}, new int[] {Tokens.SIZE, 'c'}));

    assertThat(tokenizer.encode("abc")).containsExactly(Tokens.SIZE + 2);
    assertThat(tokenizer.encode("bcab")).containsExactly(Tokens.SIZE + 1, Tokens.SIZE);
    assertThat(tokenizer.encode("abab")).containsExactly(Tokens.SIZE, Tokens.SIZE);
  }

  @Test
  void textThatSpellsASpecialTokenNeverEncodesAsOne() {
    BpeTrainer trainer = new BpeTrainer();
    for (int i = 0; i < 50; i++) {
      trainer.add("<|pad|> <|end|>");
    }
    BpeTokenizer tokenizer = trainer.train(300, size -> {});

    for (int id : tokenizer.encode("<|pad|> <|end|>")) {
      assertThat(id)
          .isNotIn(Tokens.BEGIN, Tokens.END, Tokens.PROMPT, Tokens.RESPONSE, Tokens.PADDING);
    }
    assertThat(tokenizer.decode(new int[] {'h', 'i', Tokens.END, 'x'})).isEqualTo("hi");
  }

  @Test
  void aVocabularyWithoutRoomForMergesIsRefused() {
    assertThatThrownBy(() -> new BpeTrainer().train(200, size -> {}))
        .hasMessage(
            "a vocabulary of 200 has no room for merges: the bytes and special tokens take 261 ids");
  }

  @Test
  void aWrittenTokenizerReadsBackTheSame() throws Exception {
    BpeTokenizer tokenizer = trained(450);
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(tokenizer, file);

    BpeTokenizer read = TokenizerJson.read(file);
    assertThat(read.sha256()).isEqualTo(tokenizer.sha256());
    for (String text : CORPUS) {
      assertThat(read.encode(text)).containsExactly(tokenizer.encode(text));
    }
  }

  @Test
  void aTokenizerOfAnotherLayoutIsRefusedWithWhatDiffers() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(trained(300), file);
    Files.writeString(file, Files.readString(file).replace("\"<|pad|>\"", "\"[PAD]\""));

    assertThatThrownBy(() -> TokenizerJson.read(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("not a tokenizer this trainer reads")
        .hasMessageContaining("id 260 is [PAD]");
    assertThatThrownBy(() -> TokenizerJson.read(dir.resolve("missing.json")))
        .hasMessageEndingWith("missing.json: no such tokenizer file");
  }
}
