package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/** Either a new volume (size, storage class) or an existing claim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointStorage {

  @JsonPropertyDescription("Size of the new claim. Default: 10Gi.")
  public Quantity size;

  @Size(max = 253)
  @JsonPropertyDescription("Storage class of the new claim. Default: the cluster's default.")
  public String storageClassName;

  @Size(min = 1, max = 253)
  @Pattern(Limits.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "An existing PersistentVolumeClaim in the run's namespace; it is used, never deleted.")
  public String claimName;
}
