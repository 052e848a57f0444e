package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One aspect of a run's state, in the shape of the Kubernetes metav1.Condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

  @JsonPropertyDescription("Ready, Progressing, Admitted, Succeeded, Failed or Suspended.")
  public String type;

  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

  @JsonPropertyDescription("Why the condition has its status, as one CamelCase word.")
  public String reason;

  @JsonPropertyDescription("What happened, for people.")
  public String message;

  @JsonPropertyDescription("metadata.generation of the spec the condition was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("When the status last changed (RFC 3339).")
  public String lastTransitionTime;
}
