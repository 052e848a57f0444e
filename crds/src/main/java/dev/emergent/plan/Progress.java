package dev.emergent.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What rank 0 reports while a stage runs: served at GET /progress, written as progress.json beside
 * the stage's checkpoints, and read by the operator and the local runner.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Progress(
    String run,
    String stage,
    String type,
    String state,
    long step,
    long totalSteps,
    Double loss,
    Double tokensPerSecond,
    Double etaSeconds,
    String checkpoint,
    Map<String, Double> metrics) {

  public static final String FILE = "progress.json";

  private static final ObjectReader READER =
      TrainingRunFiles.JSON
          .readerFor(Progress.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static Progress parse(String json) throws JsonProcessingException {
    return READER.readValue(json);
  }

  /** The report in a progress file; empty while it does not exist or is being replaced. */
  public static Optional<Progress> read(Path file) {
    try {
      return Files.exists(file) ? Optional.of(READER.readValue(file.toFile())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
