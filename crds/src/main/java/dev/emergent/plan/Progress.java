package dev.emergent.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

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
}
