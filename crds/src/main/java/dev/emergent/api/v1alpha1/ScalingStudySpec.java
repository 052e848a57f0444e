package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A ladder of model sizes × token budgets trained from one template, and runs to predict. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingStudySpec {

  @Required
  @JsonPropertyDescription(
      "The spec of every run of the study, as a TrainingRun's, without the model's size"
          + " (layers, dModel, heads: each rung sets them) and without steps on its one Pretrain"
          + " stage (each rung's token budget sets them). Its Pretrain stage's final evalLoss is"
          + " what the law is fitted to; its SFT stages on builtin arithmetic show emergence.")
  public TrainingRunSpec template;

  @Required
  @JsonPropertyDescription("Model sizes × token budgets: one run for each pair.")
  public LadderSpec ladder;

  @Size(max = Limits.MAX_PREDICTIONS)
  @JsonPropertyDescription(
      "Larger runs to predict from the fit, then train, to compare predicted and measured loss.")
  public List<PredictSpec> predict;

  @Min(1)
  @Max(Limits.MAX_STUDY_RUNS)
  @JsonPropertyDescription(
      "Runs of the study that may exist unfinished at once (each still queued through quotas or"
          + " Kueue). The local runner runs one at a time. Default: 2.")
  public Integer maxParallelRuns;

  @Min(1)
  @JsonPropertyDescription(
      "Training FLOPs for which the compute-optimal model size and token count are reported."
          + " Default: the compute of the first predict run, else of the largest run.")
  public Double computeBudget;
}
