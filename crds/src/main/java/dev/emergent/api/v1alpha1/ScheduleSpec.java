package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Learning-rate schedule: linear warmup, then decay to a floor. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScheduleSpec {

  @Min(0)
  @Max(Limits.MAX_STEPS)
  @JsonPropertyDescription("Steps of linear warmup from 0. Default: min(100, steps / 10).")
  public Integer warmupSteps;

  @JsonPropertyDescription("cosine, linear or constant. Default: cosine.")
  public LearningRateDecay decay;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Final learning rate as a fraction of learningRate (cosine and linear). Default: 0.1.")
  public Double minLearningRateRatio;
}
