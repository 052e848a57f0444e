package dev.emergent.cli;

import dev.emergent.trainer.checkpoint.CheckpointException;
import dev.emergent.trainer.generate.Completions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code emergent generate CHECKPOINT PROMPT...}: greedy completions by a trained model. */
final class GenerateCommand {
  private static final int MAX_NEW_TOKENS = 32;
  private final PrintStream out;
  private final PrintStream err;

  GenerateCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String[] args) {
    if (args.length < 2) {
      err.println("Usage: emergent generate CHECKPOINT PROMPT...");
      return Main.BAD_INPUT;
    }
    Path checkpoint = Path.of(args[0]);
    List<String> prompts = Arrays.asList(args).subList(1, args.length);
    try {
      List<String> completions = Completions.of(checkpoint, prompts, MAX_NEW_TOKENS);
      for (int i = 0; i < prompts.size(); i++) {
        out.println(prompts.get(i) + completions.get(i));
      }
      return Main.OK;
    } catch (CheckpointException e) {
      err.println("emergent: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (IOException e) {
      err.println("emergent: " + checkpoint + ": " + e.getMessage());
      return Main.BAD_INPUT;
    }
  }
}
