package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/** Compute resources of one trainer pod, as in a container's resources. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodResources {

  @JsonPropertyDescription(
      "Resources the scheduler reserves for the pod, e.g. cpu: \"8\", memory: 64Gi. With device"
          + " cuda, nvidia.com/gpu is set to mesh.devicesPerPod.")
  public Map<String, Quantity> requests;

  @JsonPropertyDescription(
      "Most the pod may use, e.g. memory: 64Gi. With device cuda, nvidia.com/gpu is set to"
          + " mesh.devicesPerPod.")
  public Map<String, Quantity> limits;
}
