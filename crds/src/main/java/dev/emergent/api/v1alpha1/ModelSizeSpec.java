package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * The size of a model: a TrainingRun's, or one of a scaling study, whose template gives the rest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSizeSpec {

  @Required
  @Min(1)
  @Max(Limits.MAX_LAYERS)
  @JsonPropertyDescription("Number of Transformer blocks.")
  public Integer layers;

  @Required
  @Min(8)
  @Max(Limits.MAX_D_MODEL)
  @JsonPropertyDescription("Width of the residual stream. Must be divisible by heads.")
  public Integer dModel;

  @Required
  @Min(1)
  @Max(Limits.MAX_HEADS)
  @JsonPropertyDescription(
      "Attention heads per block. Must be divisible by the size of the mesh axis 'model'.")
  public Integer heads;
}
