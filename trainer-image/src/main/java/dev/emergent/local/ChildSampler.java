package dev.emergent.local;

import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.trainer.launch.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Samples from a child {@code emergent generate --json}, for a report written without the run's
 * trainer processes (a run resumed after its last stage): the runner itself never loads ND4J, whose
 * native start-up banner would land in the middle of the run's output.
 */
final class ChildSampler implements Sampler {
  private final List<String> jvmOptions;

  /** {@code jvmOptions}: of the JVMs that generate the samples (the class archive's). */
  ChildSampler(List<String> jvmOptions) {
    this.jvmOptions = jvmOptions;
  }

  @Override
  public CompletableFuture<List<String>> complete(
      Path checkpoint, List<String> prompts, boolean text, int maxNewTokens) throws IOException {
    List<String> arguments = new ArrayList<>(List.of("generate", "--json"));
    if (text) {
      arguments.add("--text");
    }
    arguments.addAll(List.of("--max-new-tokens", String.valueOf(maxNewTokens)));
    arguments.add(checkpoint.toString());
    arguments.addAll(prompts);
    ProcessBuilder builder =
        new ProcessBuilder(JavaCommand.of(jvmOptions, "dev.emergent.cli.Main", arguments))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().putAll(LaunchEnvironment.BLAS_THREADS_SLEEP);
    Process process = builder.start();
    return CompletableFuture.supplyAsync(() -> read(process, checkpoint, prompts.size()));
  }

  private static List<String> read(Process process, Path checkpoint, int count) {
    try {
      List<String> lines;
      try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
        lines = reader.lines().toList();
      }
      if (process.waitFor() != 0 || lines.isEmpty()) {
        throw new IOException("emergent generate exited with " + process.exitValue());
      }
      return Sampler.parse(lines.get(lines.size() - 1), count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating samples from " + checkpoint, e);
    }
  }
}
