package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** Observed state of one stage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageStatus {

  @JsonPropertyDescription("Stage name from the spec.")
  public String name;

  @JsonPropertyDescription("Pending, Queued, Running, Restarting, Succeeded, Failed or Suspended.")
  public StagePhase phase;

  @JsonPropertyDescription("Attempt number, from 1; a gang restart starts a new attempt.")
  public Integer attempt;

  @JsonPropertyDescription("Restarts counted against failurePolicy.maxRestarts.")
  public Integer restarts;

  @JsonPropertyDescription("Last reported optimizer step.")
  public Integer step;

  @JsonPropertyDescription("Steps of the stage.")
  public Integer totalSteps;

  @JsonPropertyDescription("Last reported training loss.")
  public Double loss;

  @JsonPropertyDescription(
      "Last reported metrics, e.g. evalLoss, tokensPerSecond, exactMatch, accuracy, reward, kl.")
  public Map<String, Double> metrics;

  @JsonPropertyDescription(
      "Checkpoint published by this stage, relative to the checkpoint volume root.")
  public String checkpoint;

  @JsonPropertyDescription("Why the stage is in its phase, when it is not obvious.")
  public String message;

  @JsonPropertyDescription(
      "metadata.generation of the spec the current attempt was planned from; a spec change"
          + " reaches a running stage at its next attempt.")
  public Long specGeneration;

  @JsonPropertyDescription("When the reported step last advanced (RFC 3339); stalls count from it.")
  public String lastProgressTime;

  @JsonPropertyDescription("Earliest time of the next attempt after a failure (RFC 3339).")
  public String nextAttemptTime;

  @JsonPropertyDescription(
      "Since when the stage waits for admission (a ResourceQuota, or the runs before it in the"
          + " namespace's quota order), RFC 3339; cleared when it is admitted.")
  public String waitingSince;

  @JsonPropertyDescription(
      "When the current attempt was admitted: created within quota, or admitted by Kueue (RFC"
          + " 3339).")
  public String admittedTime;

  @JsonPropertyDescription("Seconds the current attempt waited for admission before it started.")
  public Long waitedSeconds;

  @JsonPropertyDescription("When the first attempt started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the stage succeeded or failed for good (RFC 3339).")
  public String completionTime;
}
