package dev.emergent.operator.admission;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a gang fits the namespace's ResourceQuotas: for every quota that applies to its pods
 * (scopes: Terminating/NotTerminating, BestEffort/NotBestEffort, PriorityClass), every resource the
 * quota limits must have hard − used free for the demand. Pure: the quotas come from the caller.
 * The API server's own quota admission stays the final word; this check keeps the operator from
 * creating half a gang that would then wait forever.
 */
public final class QuotaCheck {
  private QuotaCheck() {}

  /** Why the gang does not fit, and whether it ever could (its need within every quota's hard). */
  public record Refusal(String message, boolean fitsEmptyQuota) {}

  public static Optional<Refusal> check(
      String stage, GangDemand demand, List<ResourceQuota> quotas) {
    for (ResourceQuota quota : quotas) {
      if (quota.getSpec() == null || quota.getSpec().getHard() == null) {
        continue;
      }
      boolean scoped = isScoped(quota);
      if (scoped && !appliesTo(quota, demand)) {
        continue;
      }
      Map<String, Quantity> used =
          quota.getStatus() != null && quota.getStatus().getUsed() != null
              ? quota.getStatus().getUsed()
              : Map.of();
      List<String> shortfalls = new ArrayList<>();
      boolean fitsEmpty = true;
      for (Map.Entry<String, Quantity> hard : quota.getSpec().getHard().entrySet()) {
        BigDecimal need = demand.podResources().get(hard.getKey());
        if (need == null && !scoped) {
          need = demand.objects().get(hard.getKey());
        }
        if (need == null) {
          continue;
        }
        BigDecimal limit = Quantity.getAmountInBytes(hard.getValue());
        BigDecimal inUse =
            used.containsKey(hard.getKey())
                ? Quantity.getAmountInBytes(used.get(hard.getKey()))
                : BigDecimal.ZERO;
        BigDecimal free = limit.subtract(inUse).max(BigDecimal.ZERO);
        if (need.compareTo(free) > 0) {
          shortfalls.add(
              hard.getKey()
                  + " "
                  + Quantities.format(hard.getKey(), need)
                  + ", quota "
                  + quota.getMetadata().getName()
                  + " has "
                  + Quantities.format(hard.getKey(), free)
                  + " free of "
                  + Quantities.format(hard.getKey(), limit));
          fitsEmpty &= need.compareTo(limit) <= 0;
        }
      }
      if (!shortfalls.isEmpty()) {
        return Optional.of(
            new Refusal(
                "stage "
                    + stage
                    + " needs "
                    + String.join("; ", shortfalls)
                    + (fitsEmpty ? "" : " (more than the quota allows in all: it never fits)"),
                fitsEmpty));
      }
    }
    return Optional.empty();
  }

  private static boolean isScoped(ResourceQuota quota) {
    return (quota.getSpec().getScopes() != null && !quota.getSpec().getScopes().isEmpty())
        || (quota.getSpec().getScopeSelector() != null
            && quota.getSpec().getScopeSelector().getMatchExpressions() != null
            && !quota.getSpec().getScopeSelector().getMatchExpressions().isEmpty());
  }

  /**
   * Trainer pods have no activeDeadlineSeconds (NotTerminating) and no cross-namespace affinity.
   */
  private static boolean appliesTo(ResourceQuota quota, GangDemand demand) {
    List<ScopedResourceSelectorRequirement> requirements = new ArrayList<>();
    if (quota.getSpec().getScopes() != null) {
      quota.getSpec().getScopes().forEach(s -> requirements.add(requirement(s)));
    }
    if (quota.getSpec().getScopeSelector() != null
        && quota.getSpec().getScopeSelector().getMatchExpressions() != null) {
      requirements.addAll(quota.getSpec().getScopeSelector().getMatchExpressions());
    }
    return requirements.stream().allMatch(r -> matches(r, demand));
  }

  private static ScopedResourceSelectorRequirement requirement(String scope) {
    ScopedResourceSelectorRequirement requirement = new ScopedResourceSelectorRequirement();
    requirement.setScopeName(scope);
    requirement.setOperator("Exists");
    return requirement;
  }

  private static boolean matches(ScopedResourceSelectorRequirement r, GangDemand demand) {
    return switch (r.getScopeName()) {
      case "Terminating", "CrossNamespacePodAffinity" -> false;
      case "NotTerminating" -> true;
      case "BestEffort" -> demand.bestEffort();
      case "NotBestEffort" -> !demand.bestEffort();
      case "PriorityClass" -> priorityMatches(r, demand.priorityClassName());
      default -> false;
    };
  }

  private static boolean priorityMatches(ScopedResourceSelectorRequirement r, String priority) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> priority != null && values.contains(priority);
      case "NotIn" -> priority == null || !values.contains(priority);
      case "Exists" -> priority != null;
      case "DoesNotExist" -> priority == null;
      default -> false;
    };
  }
}
