package dev.emergent.cli;

import dev.emergent.trainer.data.CorpusFiles;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.BpeTrainer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code emergent tokenizer train}: learns a byte-level BPE vocabulary from a corpus. */
@Command(
    name = "tokenizer",
    description = "Train a byte-level BPE tokenizer.",
    subcommands = TokenizerCommand.Train.class)
final class TokenizerCommand extends Main.CommandGroup {

  @Command(
      name = "train",
      description =
          "Learn byte-level BPE merges from CORPUS (text files, directories, JSONL) and write"
              + " them as tokenizer.json (Hugging Face's format).")
  static final class Train extends ConsoleCommand {
    @Option(
        names = "--vocab",
        required = true,
        description = "Vocabulary size: 256 bytes, 5 special tokens, the rest merges.")
    int vocab;

    @Option(
        names = {"-o", "--output"},
        required = true,
        description = "The tokenizer.json to write.")
    Path output;

    @Mixin CorpusInputs corpus;

    Train(PrintStream out, PrintStream err) {
      super(out, err);
    }

    @Override
    public Integer call() throws Exception {
      if (vocab < BpeTrainer.MIN_VOCAB) {
        err.println("emergent: --vocab must be at least " + BpeTrainer.MIN_VOCAB);
        return Main.BAD_INPUT;
      }
      CorpusFiles files = new CorpusFiles(corpus.paths, corpus.delimiter, false, err::println);
      BpeTrainer trainer = new BpeTrainer();
      CountProgress reading =
          new CountProgress(
              err, "counting words", files.totalBytes(), CountProgress.Unit.MEGABYTES);
      files.read(
          piece -> {
            trainer.add(piece.text());
            reading.update(files.bytesRead());
          });
      reading.finish(files.bytesRead());
      CountProgress merging = new CountProgress(err, "merging", vocab, CountProgress.Unit.IDS);
      BpeTokenizer tokenizer = trainer.train(vocab, merging::update);
      merging.finish(tokenizer.vocabSize());
      TokenizerJson.write(tokenizer, output);
      out.printf(
          "%s: %d ids (%d merges) from %d distinct words in %d files%s%n",
          output,
          tokenizer.vocabSize(),
          tokenizer.vocabSize() - dev.emergent.plan.Tokens.SIZE,
          trainer.distinctWords(),
          files.files().size(),
          tokenizer.vocabSize() < vocab
              ? "; no pair of tokens occurs twice more, so fewer than " + vocab
              : "");
      out.printf(
          "use it in a TrainingRun as  model: {tokenizer: {path: %s, vocabSize: %d}}"
              + "  (path relative to the TrainingRun file's folder)%n",
          output.getFileName(), tokenizer.vocabSize());
      return Main.OK;
    }
  }
}
