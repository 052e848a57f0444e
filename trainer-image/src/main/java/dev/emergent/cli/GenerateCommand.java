package dev.emergent.cli;

import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointException;
import dev.emergent.trainer.generate.Completions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emergent generate}: completions by a trained model. */
@Command(
    name = "generate",
    description =
        "Complete prompts with a trained checkpoint: answers in the prompt format (greedy), or"
            + " with --text a continuation of plain text (sampled).")
final class GenerateCommand extends ConsoleCommand {
  @Option(
      names = "--text",
      description =
          "Continue PROMPT as plain text (temperature 0.8, top-k 40) instead of answering.")
  boolean text;

  @Option(names = "--json", description = "Print the completions as one JSON array.")
  boolean json;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "" + Completions.DEFAULT_MAX_NEW_TOKENS,
      description = "Tokens to generate at most (default ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint folder.")
  Path checkpoint;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PROMPT")
  List<String> prompts;

  GenerateCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  @Override
  public Integer call() throws Exception {
    if (maxNewTokens < 1) {
      err.println("emergent: --max-new-tokens must be at least 1");
      return Main.BAD_INPUT;
    }
    List<String> completions;
    try {
      completions = Completions.of(checkpoint, prompts, text, maxNewTokens);
    } catch (CheckpointException e) {
      err.println("emergent: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    if (json) {
      out.println(TrainingRunFiles.JSON.writeValueAsString(completions));
    } else {
      for (int i = 0; i < prompts.size(); i++) {
        out.println(prompts.get(i) + completions.get(i));
      }
    }
    return Main.OK;
  }
}
