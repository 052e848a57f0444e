package dev.emergent.operator.admission;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What Kueue says about a stage's Job, from the Workload it made for it (owner reference): queued
 * with Kueue's own message, admitted to a ClusterQueue and flavor, or evicted/preempted. Watched
 * from the first reconcile of a run that names a queue, so that a change Kueue makes wakes the run
 * that owns the Job; the Workload API is optional, so a cluster without Kueue is named as such
 * instead of leaving the run waiting silently.
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

  private static final String EVENT_SOURCE = "kueue-workloads";

  private final KubernetesClient client;
  private volatile InformerEventSource<GenericKubernetesResource, TrainingRun> watched;

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

  /**
   * Watches Kueue's Workloads in the namespaces the operator watches, from the first call on a
   * cluster that serves them; until then each call asks the API server again, so that Kueue
   * installed later is found; {@link #installed} says whether it was.
   */
  public synchronized void watch(EventSourceRetriever<TrainingRun> sources, String namespace) {
    if (watched != null || !served(namespace)) {
      return;
    }
    @SuppressWarnings("unchecked")
    InformerEventSource<Job, TrainingRun> jobs =
        (InformerEventSource<Job, TrainingRun>) sources.getEventSourceFor(Job.class);
    var configuration =
        InformerEventSourceConfiguration.from(
                new GroupVersionKind(
                    WORKLOADS.getGroup(), WORKLOADS.getVersion(), WORKLOADS.getKind()),
                TrainingRun.class)
            .withName(EVENT_SOURCE)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(workload -> runsOwning(workload, jobs))
            .build();
    watched =
        (InformerEventSource<GenericKubernetesResource, TrainingRun>)
            sources.dynamicallyRegisterEventSource(
                new InformerEventSource<>(
                    configuration, sources.eventSourceContextForDynamicRegistration()));
  }

  /** Whether the cluster serves Kueue's Workloads in {@code namespace}. */
  boolean served(String namespace) {
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

  /** Whether the last {@link #watch} found Kueue: then Workloads are watched. */
  public boolean installed() {
    return watched != null;
  }

  /**
   * The runs whose Job the Workload is for: Kueue owns a Workload by its Job, and the Job by its
   * run. A Workload of a Job this operator did not make maps to none.
   */
  private static Set<ResourceID> runsOwning(
      GenericKubernetesResource workload, InformerEventSource<Job, TrainingRun> jobs) {
    List<OwnerReference> owners = workload.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Set.of();
    }
    var runs = Mappers.<Job>fromOwnerReferences(TrainingRun.class);
    return owners.stream()
        .filter(owner -> "Job".equals(owner.getKind()))
        .flatMap(
            owner ->
                jobs
                    .get(new ResourceID(owner.getName(), workload.getMetadata().getNamespace()))
                    .stream())
        .flatMap(job -> runs.toPrimaryResourceIDs(job).stream())
        .collect(Collectors.toSet());
  }

  /**
   * Kueue's view of the Workload it made for the Job {@code jobUid} of {@code namespace}, from the
   * watch; empty while there is none yet, and {@link #NOT_INSTALLED} on a cluster without Kueue.
   */
  public Optional<View> of(String namespace, String jobUid) {
    if (watched == null) {
      return Optional.of(NOT_INSTALLED);
    }
    return watched
        .list(
            namespace,
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
