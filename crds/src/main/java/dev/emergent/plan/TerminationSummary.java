package dev.emergent.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The one-line JSON that rank 0 writes to its termination log when it exits: how it ended, the last
 * step, the checkpoint it published, its final metrics, and, when its latest checkpoint failed
 * verification and it resumed from an older one, what it skipped ({@code checkpointFallback}). The
 * operator reads it from the pod's {@code state.terminated.message}, the local runner from rank 0's
 * summary file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TerminationSummary(
    ExitCode outcome,
    int exitCode,
    Long step,
    String checkpoint,
    Map<String, Double> metrics,
    String message,
    String checkpointFallback) {

  private static final ObjectReader READER =
      TrainingRunFiles.JSON
          .readerFor(TerminationSummary.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public TerminationSummary {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  public static TerminationSummary of(
      ExitCode outcome, long step, String checkpoint, Map<String, Double> metrics, String message) {
    return of(outcome, step, checkpoint, metrics, message, null);
  }

  public static TerminationSummary of(
      ExitCode outcome,
      long step,
      String checkpoint,
      Map<String, Double> metrics,
      String message,
      String checkpointFallback) {
    return new TerminationSummary(
        outcome, outcome.code(), step, checkpoint, metrics, message, checkpointFallback);
  }

  public boolean succeeded() {
    return outcome == ExitCode.SUCCEEDED;
  }

  public String toJson() {
    try {
      return TrainingRunFiles.JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The summary in a termination message: its last line, since Kubernetes may put log lines before
   * it ({@code FallbackToLogsOnError}). Empty when there is none or it is not a summary.
   */
  public static Optional<TerminationSummary> parse(String message) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    String last = message.strip().lines().reduce((a, b) -> b).orElse("");
    try {
      return Optional.of(READER.readValue(last));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** Writes the summary as the one line a termination log holds. */
  public void write(Path file) throws IOException {
    Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8);
  }

  /** The summary in a file, empty when the file does not exist or holds none. */
  public static Optional<TerminationSummary> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
