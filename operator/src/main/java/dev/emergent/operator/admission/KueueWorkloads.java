package dev.emergent.operator.admission;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Kueue says about a stage's Job, from the Workload it made for it (owner reference): queued
 * with Kueue's own message, admitted to a ClusterQueue and flavor, or evicted/preempted. Read when
 * a queued run reconciles; the Workload API is optional, so a cluster without Kueue is named as
 * such instead of leaving the run waiting silently.
 */
@ApplicationScoped
public class KueueWorkloads {
  /** Named in full: discovery cannot describe a kind that a cluster without Kueue lacks. */
  public static final ResourceDefinitionContext WORKLOADS =
      new ResourceDefinitionContext.Builder()
          .withGroup("kueue.x-k8s.io")
          .withVersion("v1beta1")
          .withKind("Workload")
          .withPlural("workloads")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;

  public KueueWorkloads(KubernetesClient client) {
    this.client = client;
  }

  /** Kueue's view of the Job, as an Admitted reason and message. */
  public record View(boolean admitted, String reason, String message) {}

  public static final View NOT_INSTALLED =
      new View(
          false,
          "KueueNotInstalled",
          "spec.scheduling.queueName is set, but this cluster serves no kueue.x-k8s.io Workloads:"
              + " install Kueue, or remove queueName to be admitted against ResourceQuotas");

  /** Whether the cluster serves Kueue's Workloads in {@code namespace}. */
  public boolean installed(String namespace) {
    try {
      client.genericKubernetesResources(WORKLOADS).inNamespace(namespace).list();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Kueue's view of the Workload it made for the Job {@code jobUid} of {@code namespace}; empty
   * while there is none yet.
   */
  public Optional<View> of(String namespace, String jobUid) {
    List<GenericKubernetesResource> workloads;
    try {
      workloads =
          client.genericKubernetesResources(WORKLOADS).inNamespace(namespace).list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.of(NOT_INSTALLED);
      }
      throw e;
    }
    return workloads.stream()
        .filter(
            w ->
                w.getMetadata().getOwnerReferences() != null
                    && w.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> jobUid.equals(o.getUid())))
        .findFirst()
        .map(KueueWorkloads::view);
  }

  /** Evicted (or preempted) first, then admitted, else queued with QuotaReserved's message. */
  static View view(GenericKubernetesResource workload) {
    Optional<Map<String, Object>> evicted = condition(workload, "Evicted", "True");
    if (evicted.isPresent()) {
      String reason = String.valueOf(evicted.get().get("reason"));
      return new View(
          false,
          reason.contains("Preempt") ? "Preempted" : "Evicted",
          "Kueue evicted the Workload (" + reason + "): " + evicted.get().get("message"));
    }
    if (condition(workload, "Admitted", "True").isPresent()) {
      Object clusterQueue = workload.get("status", "admission", "clusterQueue");
      List<?> podSets = workload.get("status", "admission", "podSetAssignments");
      String flavors =
          podSets == null || podSets.isEmpty()
              ? ""
              : ", flavors " + ((Map<?, ?>) podSets.get(0)).get("flavors");
      return new View(
          true, "Admitted", "admitted by Kueue to ClusterQueue " + clusterQueue + flavors);
    }
    String message =
        condition(workload, "QuotaReserved", "False")
            .map(c -> String.valueOf(c.get("message")))
            .orElse("Kueue has not admitted the Workload yet");
    return new View(false, "Queued", "waiting in Kueue: " + message);
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> condition(
      GenericKubernetesResource workload, String type, String status) {
    List<Map<String, Object>> conditions = workload.get("status", "conditions");
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream()
        .filter(c -> type.equals(c.get("type")) && Objects.equals(status, c.get("status")))
        .findFirst();
  }
}
