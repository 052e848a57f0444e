package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a run, written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingRunStatus {

  @JsonPropertyDescription("Pending, Queued, Running, Succeeded, Failed or Suspended.")
  public RunPhase phase;

  @JsonPropertyDescription("Stage now queued, running or suspended.")
  public String currentStage;

  @JsonPropertyDescription("Last reported step of the current stage.")
  public Integer step;

  @JsonPropertyDescription("Last reported training loss of the current stage.")
  public Double loss;

  @JsonPropertyDescription("Status of every stage, in spec order.")
  public List<StageStatus> stages = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready, Progressing, Admitted, Succeeded, Failed and Suspended, each with the generation"
          + " it was computed from.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  public Long observedGeneration;
}
