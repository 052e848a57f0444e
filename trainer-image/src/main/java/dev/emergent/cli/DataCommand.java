package dev.emergent.cli;

import dev.emergent.trainer.data.CorpusFiles;
import dev.emergent.trainer.shards.ShardManifest;
import dev.emergent.trainer.shards.ShardPreparer;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emergent data prepare}: tokenizes a corpus into shards that stages read from. */
@Command(
    name = "data",
    description = "Prepare training data.",
    subcommands = DataCommand.Prepare.class)
final class DataCommand extends Main.CommandGroup {
  /** Shards are memory-mapped one buffer each: at most 2 GiB of uint32 tokens. */
  private static final long MAX_SHARD_TOKENS = 1L << 29;

  @Command(
      name = "prepare",
      description =
          "Tokenize INPUT (text files, directories, JSONL) into fixed-size token shards with a"
              + " manifest, split into train and validation by document. A stage reads the"
              + " folder with data: {path: DIR}.")
  static final class Prepare extends ConsoleCommand {
    @Option(
        names = "--tokenizer",
        required = true,
        description = "A tokenizer.json from emergent tokenizer train, or bytes.")
    String tokenizer;

    @Option(
        names = {"-o", "--output"},
        required = true,
        description = "The folder to write shards and manifest.json to.")
    Path output;

    @Option(
        names = "--validation-fraction",
        defaultValue = "0.05",
        description = "Fraction of documents held out for validation (default ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(
        names = "--shard-tokens",
        defaultValue = "16777216",
        description = "Tokens per shard file (default ${DEFAULT-VALUE}).")
    long shardTokens;

    @Option(names = "--threads", description = "Tokenizing threads (default: the machine's cores).")
    Integer threads;

    @Option(
        names = "--strict",
        description = "Refuse the corpus at the first bad JSONL record instead of skipping it.")
    boolean strict;

    @Mixin CorpusInputs inputs;

    Prepare(PrintStream out, PrintStream err) {
      super(out, err);
    }

    @Override
    public Integer call() throws Exception {
      if (validationFraction < 0 || validationFraction > 0.5) {
        err.println("emergent: --validation-fraction must be within [0, 0.5]");
        return Main.BAD_INPUT;
      }
      if (shardTokens < 1 || shardTokens > MAX_SHARD_TOKENS) {
        err.println("emergent: --shard-tokens must be within [1, " + MAX_SHARD_TOKENS + "]");
        return Main.BAD_INPUT;
      }
      int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
      if (threadCount < 1) {
        err.println("emergent: --threads must be at least 1");
        return Main.BAD_INPUT;
      }
      boolean bytes = "bytes".equals(tokenizer);
      BpeTokenizer vocabulary =
          bytes ? BpeTokenizer.bytes() : TokenizerJson.read(Path.of(tokenizer));
      String source = bytes ? "bytes" : Path.of(tokenizer).getFileName().toString();
      CorpusFiles corpus = new CorpusFiles(inputs.paths, inputs.delimiter, strict, err::println);
      long started = System.nanoTime();
      CountProgress progress =
          new CountProgress(err, "tokenizing", corpus.totalBytes(), CountProgress.Unit.MEGABYTES);
      ShardManifest manifest =
          new ShardPreparer(
                  vocabulary,
                  new ShardPreparer.Options(
                      output, source, shardTokens, validationFraction, threadCount))
              .prepare(corpus, progress::update);
      progress.finish(corpus.bytesRead());
      double seconds = (System.nanoTime() - started) / 1e9;
      for (var split : List.of(ShardManifest.TRAIN, ShardManifest.VALIDATION)) {
        ShardManifest.Split s = manifest.splits().get(split);
        out.printf(
            "%-10s %,d documents, %,d tokens (%.2f bytes per token) in %d shards%n",
            split,
            s.documents(),
            s.tokens(),
            s.tokens() == 0 ? 0.0 : (double) s.bytes() / s.tokens(),
            s.shards().size());
      }
      out.printf(
          "%s: %s, %s tokens; %.1f MB in %.1f s (%.1f MB/s on %d threads)%s%n",
          output.resolve(ShardManifest.FILE),
          source,
          manifest.dtype(),
          corpus.bytesRead() / 1e6,
          seconds,
          corpus.bytesRead() / 1e6 / seconds,
          threadCount,
          corpus.badRecords() > 0 ? "; " + corpus.badRecords() + " bad records skipped" : "");
      return Main.OK;
    }
  }
}
