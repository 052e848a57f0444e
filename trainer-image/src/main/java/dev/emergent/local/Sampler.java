package dev.emergent.local;

import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Where a report's sample completions come from: a run's warm trainer processes, or new JVMs. */
interface Sampler {
  /**
   * Starts completing {@code prompts} by {@code checkpoint}: greedy answers in the prompt format,
   * or, with {@code text}, sampled continuations of plain text; one completion per prompt.
   */
  CompletableFuture<List<String>> complete(
      Path checkpoint, List<String> prompts, boolean text, int maxNewTokens) throws IOException;

  /** The JSON list of completions that {@code emergent generate --json} prints, one per prompt. */
  static List<String> parse(String json, int prompts) throws IOException {
    List<String> completions = List.of(TrainingRunFiles.JSON.readValue(json, String[].class));
    if (completions.size() != prompts) {
      throw new IOException(completions.size() + " completions of " + prompts + " prompts");
    }
    return completions;
  }

  /** The completions, or an IOException saying why there are none. */
  static List<String> await(CompletableFuture<List<String>> completions, Path checkpoint)
      throws IOException {
    try {
      return completions.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating samples", e);
    } catch (ExecutionException e) {
      throw new IOException("generating samples from " + checkpoint + " failed", e.getCause());
    }
  }
}
