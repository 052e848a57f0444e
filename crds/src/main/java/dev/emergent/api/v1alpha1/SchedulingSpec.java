package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** How stage gangs queue for capacity. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SchedulingSpec {

  @Size(min = 1, max = 253)
  @Pattern(Limits.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Kueue LocalQueue of the run's namespace. When set, stage Jobs are created suspended with"
          + " the kueue.x-k8s.io/queue-name label and Kueue admits each gang whole. When unset,"
          + " the operator checks the namespace's ResourceQuotas for the whole gang first.")
  public String queueName;

  @Size(min = 1, max = 253)
  @Pattern(Limits.DNS_SUBDOMAIN)
  @JsonPropertyDescription("PriorityClass of the trainer pods. Default: none.")
  public String priorityClassName;
}
