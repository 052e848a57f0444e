package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Gang restarts: a failed or stalled stage restarts whole from its latest checkpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailurePolicy {

  @Min(0)
  @Max(Limits.MAX_RESTARTS)
  @JsonPropertyDescription(
      "Restarts allowed per stage; disruptions (eviction, preemption, node loss) do not count."
          + " Default: 3.")
  public Integer maxRestarts;

  @Min(30)
  @Max(604800)
  @JsonPropertyDescription(
      "A running stage whose step has not advanced for this many seconds is restarted."
          + " Default: 900.")
  public Integer stallTimeoutSeconds;
}
