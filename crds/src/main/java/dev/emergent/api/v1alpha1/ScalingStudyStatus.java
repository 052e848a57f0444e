package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a scaling study, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingStudyStatus {

  @JsonPropertyDescription("Running, Predicting, Succeeded, Failed or Invalid.")
  public StudyPhase phase;

  @JsonPropertyDescription("Runs of the study: the ladder and the predict runs.")
  public Integer runs;

  @JsonPropertyDescription("Runs that succeeded.")
  public Integer done;

  @JsonPropertyDescription("The law fitted to the ladder's final held-out losses.")
  public ScalingFit fit;

  @JsonPropertyDescription("Loss the fit predicts for the first predict run.")
  public Double predicted;

  @JsonPropertyDescription("Final held-out loss the first predict run measured.")
  public Double measured;

  @JsonPropertyDescription("Every run of the study, in ladder order, then the predict runs.")
  public List<StudyRunStatus> results = new ArrayList<>();

  @JsonPropertyDescription("Fitted, Succeeded, Failed.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("metadata.generation of the spec this status was computed from.")
  public Long observedGeneration;
}
