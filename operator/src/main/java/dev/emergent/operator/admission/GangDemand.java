package dev.emergent.operator.admission;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one stage attempt adds to its namespace's ResourceQuota usage, under the names quotas use:
 * per-pod requests and limits times the pods ({@code requests.cpu} and {@code cpu}, {@code
 * requests.nvidia.com/gpu}, {@code limits.memory}, {@code pods}, ...), which scoped quotas count
 * too, and the objects the operator creates ({@code count/jobs.batch}; before the run's first Job
 * also its {@code secrets}, {@code services}, NetworkPolicy, and its claim and the claim's storage,
 * also per storage class), which only unscoped quotas count.
 */
public record GangDemand(
    Map<String, BigDecimal> podResources,
    Map<String, BigDecimal> objects,
    String priorityClassName,
    boolean bestEffort) {

  /** Resources a quota may name bare as well as {@code requests.<name>}. */
  private static final Set<String> BARE_NAMES = Set.of("cpu", "memory", "ephemeral-storage");

  public static GangDemand of(
      ResourceRequirements perPod,
      int pods,
      String priorityClassName,
      boolean newRunObjects,
      String newClaimSize,
      String storageClassName) {
    Map<String, BigDecimal> podResources = new TreeMap<>();
    Map<String, Quantity> requests = new TreeMap<>();
    Map<String, Quantity> limits = new TreeMap<>();
    if (perPod != null) {
      if (perPod.getLimits() != null) {
        limits.putAll(perPod.getLimits());
        // The API server defaults a request to its limit when a container names only the limit.
        requests.putAll(perPod.getLimits());
      }
      if (perPod.getRequests() != null) {
        requests.putAll(perPod.getRequests());
      }
    }
    BigDecimal count = BigDecimal.valueOf(pods);
    requests.forEach(
        (name, quantity) -> {
          BigDecimal total = Quantity.getAmountInBytes(quantity).multiply(count);
          podResources.put("requests." + name, total);
          if (BARE_NAMES.contains(name)) {
            podResources.put(name, total);
          }
        });
    limits.forEach(
        (name, quantity) ->
            podResources.put(
                "limits." + name, Quantity.getAmountInBytes(quantity).multiply(count)));
    podResources.put("pods", count);
    podResources.put("count/pods", count);
    Map<String, BigDecimal> objects = new TreeMap<>();
    objects.put("count/jobs.batch", BigDecimal.ONE);
    if (newRunObjects) {
      for (String kind : new String[] {"secrets", "services"}) {
        objects.put(kind, BigDecimal.ONE);
        objects.put("count/" + kind, BigDecimal.ONE);
      }
      objects.put("count/networkpolicies.networking.k8s.io", BigDecimal.ONE);
    }
    if (newClaimSize != null) {
      objects.put("persistentvolumeclaims", BigDecimal.ONE);
      objects.put("count/persistentvolumeclaims", BigDecimal.ONE);
      BigDecimal storage = Quantity.getAmountInBytes(new Quantity(newClaimSize));
      objects.put("requests.storage", storage);
      if (storageClassName != null) {
        String perClass = storageClassName + ".storageclass.storage.k8s.io/";
        objects.put(perClass + "requests.storage", storage);
        objects.put(perClass + "persistentvolumeclaims", BigDecimal.ONE);
      }
    }
    boolean bestEffort =
        requests.keySet().stream().noneMatch(r -> r.equals("cpu") || r.equals("memory"));
    return new GangDemand(podResources, objects, priorityClassName, bestEffort);
  }
}
