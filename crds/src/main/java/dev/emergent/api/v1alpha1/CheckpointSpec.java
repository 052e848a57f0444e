package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Checkpoint volume and interval. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointSpec {

  @JsonPropertyDescription(
      "Volume that holds <run>/<stage>/step-<n>/ folders. Default: a new 10Gi claim of the"
          + " default storage class, owned by the run.")
  public CheckpointStorage storage;

  @Min(1)
  @Max(Limits.MAX_STEPS)
  @JsonPropertyDescription(
      "Steps between checkpoints; the final step is always checkpointed. Default: 200.")
  public Integer everySteps;

  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Checkpoints kept per stage, newest first; older ones are deleted. Default: 2.")
  public Integer keep;
}
