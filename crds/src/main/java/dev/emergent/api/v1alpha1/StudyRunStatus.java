package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** One run of a scaling study: its size, its compute and what it measured. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StudyRunStatus {

  @JsonPropertyDescription("Name of the child TrainingRun.")
  public String name;

  @JsonPropertyDescription("Ladder (fitted) or Predict (predicted, then measured).")
  public String role;

  @JsonPropertyDescription("Number of Transformer blocks.")
  public Integer layers;

  @JsonPropertyDescription("Width of the residual stream.")
  public Integer dModel;

  @JsonPropertyDescription("Non-embedding parameters N.")
  public Long parameters;

  @JsonPropertyDescription("Pretraining tokens D.")
  public Long tokens;

  @JsonPropertyDescription("Pretraining FLOPs C = D × (6N + 12 × layers × dModel × context).")
  public Double flops;

  @JsonPropertyDescription("Phase of the child TrainingRun; Pending before it is created.")
  public RunPhase phase;

  @JsonPropertyDescription("Final held-out loss of the Pretrain stage (nats per token).")
  public Double evalLoss;

  @JsonPropertyDescription("Loss the fit predicted (predict runs).")
  public Double predictedLoss;

  @JsonPropertyDescription(
      "Final metrics of the other stages as stage.metric, e.g. sft-2.exactMatch and"
          + " sft-2.answerLogLikelihood.")
  public Map<String, Double> metrics;
}
