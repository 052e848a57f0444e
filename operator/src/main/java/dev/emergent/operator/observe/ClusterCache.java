package dev.emergent.operator.observe;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The Jobs, pods and ResourceQuotas a reconcile reads, from the informers that also trigger the
 * reconciles, instead of a GET or LIST each time: with 1,000 runs those reads were half of the
 * operator's API requests. A Job this operator has just created is cached at once, so the next
 * reconcile finds it even before the watch delivers it.
 */
@ApplicationScoped
public class ClusterCache {
  private volatile Sources sources;

  private record Sources(
      InformerEventSource<Job, TrainingRun> jobs,
      InformerEventSource<Pod, TrainingRun> pods,
      InformerEventSource<ResourceQuota, TrainingRun> quotas) {}

  /** Called once by the run controller with the event sources it registers. */
  public void readFrom(
      InformerEventSource<Job, TrainingRun> jobs,
      InformerEventSource<Pod, TrainingRun> pods,
      InformerEventSource<ResourceQuota, TrainingRun> quotas) {
    sources = new Sources(jobs, pods, quotas);
  }

  public Optional<Job> job(String namespace, String name) {
    return sources().jobs().get(new ResourceID(name, namespace));
  }

  public List<Job> jobs(String namespace, Predicate<Job> filter) {
    return sources().jobs().list(namespace, filter).toList();
  }

  public List<Pod> pods(String namespace, Predicate<Pod> filter) {
    return sources().pods().list(namespace, filter).toList();
  }

  public List<ResourceQuota> quotas(String namespace) {
    return sources().quotas().list(namespace, q -> true).toList();
  }

  /** Makes a Job this operator created visible to the next reconcile at once. */
  public void created(Job job) {
    sources().jobs().handleRecentResourceCreate(ResourceID.fromResource(job), job);
  }

  /** True when every label of {@code wanted} is on the object. */
  public static <T extends HasMetadata> Predicate<T> labelled(Map<String, String> wanted) {
    return object -> {
      var labels = object.getMetadata().getLabels();
      return labels != null && labels.entrySet().containsAll(wanted.entrySet());
    };
  }

  private Sources sources() {
    Sources current = sources;
    if (current == null) {
      throw new IllegalStateException("the run controller has not registered its informers yet");
    }
    return current;
  }
}
