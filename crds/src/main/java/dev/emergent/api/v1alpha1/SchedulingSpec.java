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
  @JsonPropertyDescription(
      "PriorityClass of the trainer pods; without Kueue it also orders the runs that wait for"
          + " the namespace's quota. Default: none.")
  public String priorityClassName;

  @Size(min = 1, max = 253)
  @Pattern(Limits.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "Kueue WorkloadPriorityClass of each stage's Workload (the kueue.x-k8s.io/priority-class"
          + " label of its Job), which orders admission and preemption in Kueue without changing"
          + " the pods' priority. Only with queueName. Default: none.")
  public String workloadPriorityClassName;
}
