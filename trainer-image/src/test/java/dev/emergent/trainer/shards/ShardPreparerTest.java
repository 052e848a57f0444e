package dev.emergent.trainer.shards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.CorpusFiles;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardPreparerTest {
  @TempDir Path dir;

  private ShardManifest prepare(
      Path corpus, BpeTokenizer tokenizer, long shardTokens, double validation, int threads)
      throws IOException {
    List<String> bad = new ArrayList<>();
    CorpusFiles files = new CorpusFiles(List.of(corpus), "%", false, bad::add);
    ShardManifest manifest =
        new ShardPreparer(
                tokenizer,
                new ShardPreparer.Options(
                    dir.resolve("out"), "test", shardTokens, validation, threads))
            .prepare(files, read -> {});
    assertThat(bad)
        .containsExactly(
            corpus.resolve("records.jsonl")
                + ":2: not JSON: Unrecognized token 'not': was"
                + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false')",
            corpus.resolve("records.jsonl")
                + ":4: no \"text\" (or prompt, completion, chosen, rejected) string field");
    return manifest;
  }

  private static List<Integer> tokens(TokenShards.Split split) {
    int[] all = new int[(int) split.tokens()];
    split.read(0, all);
    List<Integer> list = new ArrayList<>();
    for (int id : all) {
      list.add(id);
    }
    return list;
  }

  @Test
  void manyThreadsWriteWhatOneReaderWouldInOrderInFixedSizeShards() throws IOException {
    List<String> documents = ShardFixtures.writeCorpus(dir.resolve("corpus"));
    BpeTrainer trainer = new BpeTrainer();
    documents.forEach(trainer::add);
    BpeTokenizer tokenizer = trainer.train(300, size -> {});

    ShardManifest manifest = prepare(dir.resolve("corpus"), tokenizer, 100, 0.0, 3);

    List<Integer> expected = new ArrayList<>();
    long bytes = 0;
    for (String document : documents) {
      expected.add(Tokens.BEGIN);
      for (int id : tokenizer.encode(document)) {
        expected.add(id);
      }
      expected.add(Tokens.END);
      bytes += document.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    ShardManifest.Split train = manifest.splits().get(ShardManifest.TRAIN);
    assertThat(train.documents()).isEqualTo(documents.size());
    assertThat(train.tokens()).isEqualTo(expected.size());
    assertThat(train.bytes()).isEqualTo(bytes);
    assertThat(train.shards()).hasSize((expected.size() + 99) / 100);
    assertThat(train.shards().subList(0, train.shards().size() - 1))
        .allSatisfy(shard -> assertThat(shard.tokens()).isEqualTo(100));
    assertThat(manifest.dtype()).isEqualTo("uint16");
    assertThat(manifest.badRecords()).isEqualTo(2);
    assertThat(manifest.inputs()).noneMatch(input -> input.endsWith(".dat"));
    TokenShards shards = TokenShards.open(dir.resolve("out"), tokenizer.sha256());
    assertThat(tokens(shards.split(ShardManifest.TRAIN))).isEqualTo(expected);
  }

  @Test
  void documentsGoWholeToOneSplitTheSameWayEveryTime() throws IOException {
    List<String> documents = ShardFixtures.writeCorpus(dir.resolve("corpus"));
    BpeTokenizer bytes = BpeTokenizer.bytes();

    ShardManifest once = prepare(dir.resolve("corpus"), bytes, 64, 0.25, 2);
    List<Integer> validation =
        tokens(TokenShards.open(dir.resolve("out"), bytes.sha256()).split("validation"));
    ShardManifest again = prepare(dir.resolve("corpus"), bytes, 64, 0.25, 1);

    assertThat(again.splits()).isEqualTo(once.splits());
    long held = once.splits().get(ShardManifest.VALIDATION).documents();
    assertThat(held).isBetween(10L, 60L);
    assertThat(held + once.splits().get(ShardManifest.TRAIN).documents())
        .isEqualTo(documents.size());
    long begins = validation.stream().filter(id -> id == Tokens.BEGIN).count();
    long ends = validation.stream().filter(id -> id == Tokens.END).count();
    assertThat(begins).isEqualTo(held).isEqualTo(ends);
    assertThat(validation.get(0)).isEqualTo(Tokens.BEGIN);
    assertThat(validation.get(validation.size() - 1)).isEqualTo(Tokens.END);
  }

  @Test
  void aStrictPrepareRefusesTheFirstBadRecordByFileAndLine() throws IOException {
    ShardFixtures.writeCorpus(dir.resolve("corpus"));
    CorpusFiles strict = new CorpusFiles(List.of(dir.resolve("corpus")), "%", true, bad -> {});

    assertThatThrownBy(
            () ->
                new ShardPreparer(
                        BpeTokenizer.bytes(),
                        new ShardPreparer.Options(dir.resolve("out"), "bytes", 64, 0, 2))
                    .prepare(strict, read -> {}))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(dir.resolve("corpus/records.jsonl") + ":2: not JSON");
  }

  @Test
  void aCorruptShardOrAnotherTokenizerIsRefusedByName() throws IOException {
    ShardFixtures.writeCorpus(dir.resolve("corpus"));
    BpeTokenizer bytes = BpeTokenizer.bytes();
    prepare(dir.resolve("corpus"), bytes, 64, 0, 2);
    Path shard = dir.resolve("out/train-00002.bin");
    byte[] content = Files.readAllBytes(shard);
    content[5] ^= 1;
    Files.write(shard, content);

    TokenShards shards = TokenShards.open(dir.resolve("out"), bytes.sha256());
    assertThatThrownBy(() -> shards.split(ShardManifest.TRAIN))
        .isInstanceOf(BadInputException.class)
        .hasMessage(
            shard + ": SHA-256 does not match the manifest; the shard is corrupt or was changed");
    assertThatThrownBy(() -> TokenShards.open(dir.resolve("out"), "f".repeat(64)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("was prepared with tokenizer test")
        .hasMessageEndingWith("prepare it again with the model's tokenizer");
    assertThatThrownBy(() -> TokenShards.open(dir.resolve("corpus"), bytes.sha256()))
        .hasMessageContaining("no manifest.json; prepare the corpus with emergent data prepare");
  }

  @Test
  void largeVocabulariesAreStoredAsUint32AndReadBack() throws IOException {
    assertThat(ShardManifest.dtypeFor(65536)).isEqualTo("uint16");
    assertThat(ShardManifest.dtypeFor(65537)).isEqualTo("uint32");
    int[] ids = {Tokens.BEGIN, 65535, 65536, 70000, 1 << 19, 7, Tokens.END};
    ShardManifest.Split split;
    try (ShardWriter writer = new ShardWriter(dir, ShardManifest.TRAIN, 3, 4)) {
      writer.write(ids, 12, true);
      writer.close();
      split = writer.split();
    }
    ShardManifest.Split empty = new ShardManifest.Split(0, 0, 0, List.of());
    new ShardManifest(
            ShardManifest.FORMAT,
            new ShardManifest.Tokenizer("big.json", "a".repeat(64), 1 << 20),
            "uint32",
            3,
            0,
            java.util.Map.of(ShardManifest.TRAIN, split, ShardManifest.VALIDATION, empty),
            0,
            List.of())
        .write(dir);

    int[] read = new int[ids.length];
    TokenShards.open(dir, "a".repeat(64)).split(ShardManifest.TRAIN).read(0, read);
    assertThat(split.shards()).hasSize(3);
    assertThat(read).containsExactly(ids);
  }
}
