package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The grid of a scaling study: every model size trained on every token budget. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LadderSpec {

  @Required
  @Size(min = 2, max = Limits.MAX_LADDER_MODELS)
  @JsonPropertyDescription("Model sizes, at least two (the law's size term needs them).")
  public List<ModelSizeSpec> models;

  @Required
  @Size(min = 2, max = Limits.MAX_LADDER_TOKENS)
  @JsonPropertyDescription(
      "Pretraining token budgets, at least two; each is rounded to whole steps of batchSize ×"
          + " contextLength tokens.")
  public List<Long> tokens;
}
