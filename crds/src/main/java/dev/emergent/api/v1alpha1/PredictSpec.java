package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A run outside the ladder whose loss the fit predicts before it is trained. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PredictSpec extends ModelSizeSpec {

  @Required
  @Min(1)
  @Max(Limits.MAX_STUDY_TOKENS)
  @JsonPropertyDescription(
      "Pretraining token budget; rounded to whole steps of batchSize × contextLength tokens.")
  public Long tokens;
}
