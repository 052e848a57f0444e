package dev.emergent.operator.admission;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.observe.ClusterCache;
import dev.emergent.operator.resources.CheckpointClaim;
import dev.emergent.operator.resources.StageAttempt;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a stage's gang may be created now in a namespace with ResourceQuotas (runs queued through
 * Kueue are Kueue's to admit): it must be first in the namespace's line ({@link QuotaHolds#ORDER})
 * and fit every quota that applies ({@link QuotaCheck}).
 */
@ApplicationScoped
public class QuotaAdmission {
  private final KubernetesClient client;
  private final ClusterCache cache;

  public QuotaAdmission(KubernetesClient client, ClusterCache cache) {
    this.client = client;
    this.cache = cache;
  }

  /** Why the stage must wait, as an Admitted=False reason and message; empty: create it now. */
  public record Hold(String reason, String message) {}

  /**
   * A create the API server's own quota admission refused (403 "exceeded quota"): the final word,
   * which the operator's check can miss (a quota changed, another client's pods).
   */
  public static boolean refusedByQuota(KubernetesClientException e) {
    return e.getCode() == 403
        && e.getMessage() != null
        && e.getMessage().contains("exceeded quota");
  }

  public Optional<Hold> hold(StageAttempt attempt) {
    if (attempt.plan().settings().queueName() != null) {
      return Optional.empty();
    }
    List<ResourceQuota> quotas = cache.quotas(attempt.namespace());
    if (quotas.isEmpty()) {
      return Optional.empty();
    }
    Optional<Hold> behind = firstInLineBefore(attempt.run(), attempt.stage().name());
    if (behind.isPresent()) {
      return behind;
    }
    boolean newRunObjects = !cache.runObjectsMade(attempt);
    GangDemand demand =
        GangDemand.of(
            attempt.stage().resources(),
            attempt.stage().pods(),
            attempt.plan().settings().priorityClassName(),
            newRunObjects,
            newRunObjects ? newClaimSize(attempt) : null,
            attempt.plan().settings().storageClassName());
    return QuotaCheck.check(attempt.stage().name(), demand, quotas)
        .map(
            r ->
                new Hold(
                    r.fitsEmptyQuota() ? QuotaHolds.QUOTA_EXCEEDED : QuotaHolds.QUOTA_TOO_SMALL,
                    r.message()));
  }

  /** The size of the run's checkpoint claim when this attempt would be the one to create it. */
  private String newClaimSize(StageAttempt attempt) {
    String size = attempt.plan().settings().volumeSize();
    if (size == null) {
      return null;
    }
    boolean exists =
        client
                .persistentVolumeClaims()
                .inNamespace(attempt.namespace())
                .withName(CheckpointClaim.name(attempt.run(), attempt.plan()))
                .get()
            != null;
    return exists ? null : size;
  }

  private Optional<Hold> firstInLineBefore(TrainingRun run, String stage) {
    // Runs of one team mostly share a PriorityClass or two: read each value once.
    Map<String, Integer> values = new HashMap<>();
    QuotaHolds.Candidate self = new QuotaHolds.Candidate(run, priority(run, values));
    return client
        .resources(TrainingRun.class)
        .inNamespace(run.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(other -> !other.getMetadata().getName().equals(run.getMetadata().getName()))
        .filter(QuotaHolds::inLine)
        .map(other -> new QuotaHolds.Candidate(other, priority(other, values)))
        .filter(other -> QuotaHolds.ORDER.compare(other, self) < 0)
        .min(QuotaHolds.ORDER)
        .map(
            first ->
                new Hold(
                    QuotaHolds.WAITING_FOR_QUOTA,
                    "stage "
                        + stage
                        + " waits behind run "
                        + first.run().getMetadata().getName()
                        + " (priority "
                        + first.priority()
                        + ", created "
                        + first.run().getMetadata().getCreationTimestamp()
                        + "), first in line for this namespace's quota"));
  }

  private int priority(TrainingRun run, Map<String, Integer> values) {
    String name =
        run.getSpec().scheduling == null ? null : run.getSpec().scheduling.priorityClassName;
    if (name == null) {
      return 0;
    }
    return values.computeIfAbsent(
        name,
        n -> {
          PriorityClass priorityClass =
              client.scheduling().v1().priorityClasses().withName(n).get();
          return priorityClass == null || priorityClass.getValue() == null
              ? 0
              : priorityClass.getValue();
        });
  }
}
