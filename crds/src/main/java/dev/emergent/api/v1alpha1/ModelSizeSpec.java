package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** The size of one model of a scaling study; the rest of its shape comes from the template. */
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
  @JsonPropertyDescription("Attention heads per block.")
  public Integer heads;
}
