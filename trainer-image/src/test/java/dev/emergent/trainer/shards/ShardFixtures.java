package dev.emergent.trainer.shards;

import dev.emergent.trainer.data.CorpusFiles;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small corpus of fortunes (% between documents) and JSONL records, with two bad records. */
public final class ShardFixtures {
  private ShardFixtures() {}

  /** Documents of a small corpus, in reading order: fortunes, then JSONL records. */
  public static List<String> writeCorpus(Path corpus) throws IOException {
    Files.createDirectories(corpus.resolve("fortunes"));
    List<String> documents = new ArrayList<>();
    for (int file = 0; file < 3; file++) {
      StringBuilder text = new StringBuilder();
      for (int d = 0; d < 40; d++) {
        String fortune =
            "Fortune "
                + file
                + "-"
                + d
                + ": a penny saved is "
                + (d * 7 % 13)
                + " pennies.\n"
                + "  -- proverb "
                + "x".repeat(d % 5)
                + "\n";
        documents.add(fortune);
        text.append(fortune).append("%\n");
      }
      Files.writeString(corpus.resolve("fortunes/f" + file), text.toString());
    }
    Files.write(corpus.resolve("fortunes/f0.dat"), new byte[] {1, 0, 2, 0});
    Files.writeString(
        corpus.resolve("records.jsonl"),
        """
        {"text": "Größer ist besser 🚀"}
        not json at all
        {"prompt": "2+2=", "completion": "4"}
        {"other": 1}
        """);
    documents.add("Größer ist besser 🚀");
    documents.add("2+2=\n4");
    return documents;
  }

  /** The corpus prepared with the byte vocabulary into {@code out}. */
  public static void prepareBytes(Path corpus, Path out, long shardTokens, double validation)
      throws IOException {
    new ShardPreparer(
            BpeTokenizer.bytes(),
            new ShardPreparer.Options(out, "bytes", shardTokens, validation, 2))
        .prepare(new CorpusFiles(List.of(corpus), "%", false, bad -> {}), read -> {});
  }
}
