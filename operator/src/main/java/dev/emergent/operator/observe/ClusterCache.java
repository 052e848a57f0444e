package dev.emergent.operator.observe;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.operator.resources.Labels;
import dev.emergent.operator.resources.StageAttempt;
import dev.emergent.operator.resources.StageJob;
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

/**
 * The Jobs, pods and ResourceQuotas a reconcile reads, from the informers that also trigger the
 * reconciles, instead of a GET or LIST each time: with 1,000 runs those reads were half of the
 * operator's API requests. A Job this operator has just created is cached at once, so the next
 * reconcile finds it even before the watch delivers it.
 */
@ApplicationScoped
public class ClusterCache {
  private static final String BY_RUN = "emergent.dev/run";
  private static final String BY_STAGE = "emergent.dev/stage";
  private static final String BY_ATTEMPT = "emergent.dev/attempt";
  private volatile Sources sources;

  private record Sources(
      InformerEventSource<Job, TrainingRun> jobs,
      InformerEventSource<Pod, TrainingRun> pods,
      InformerEventSource<ResourceQuota, TrainingRun> quotas) {}

  /**
   * Called once by the run controller with the event sources it registers, before they start: the
   * Jobs are indexed by run and stage and the pods by attempt, so that a reconcile's reads do not
   * scan a namespace of 1,000 runs.
   */
  public void readFrom(
      InformerEventSource<Job, TrainingRun> jobs,
      InformerEventSource<Pod, TrainingRun> pods,
      InformerEventSource<ResourceQuota, TrainingRun> quotas) {
    jobs.addIndexer(BY_RUN, job -> key(job, Labels.RUN));
    jobs.addIndexer(BY_STAGE, job -> key(job, Labels.RUN, Labels.STAGE));
    pods.addIndexer(BY_ATTEMPT, pod -> key(pod, Labels.RUN, Labels.STAGE, Labels.ATTEMPT));
    sources = new Sources(jobs, pods, quotas);
  }

  public Optional<Job> job(String namespace, String name) {
    return sources().jobs().get(new ResourceID(name, namespace));
  }

  /**
   * Whether the run's own objects (claim, token, Service, NetworkPolicy) can be taken as made: they
   * are made before its first Job, so a Job of the run shows them, unless an operator older than
   * run-wide objects made it (its pods carry no stage-config annotation). A later attempt of a
   * stage makes them again all the same, which puts back one deleted by hand.
   */
  public boolean runObjectsMade(StageAttempt attempt) {
    String run = attempt.run().getMetadata().getName();
    return attempt.attempt() == 1
        && sources().jobs().byIndex(BY_RUN, key(attempt.namespace(), run)).stream()
            .anyMatch(ClusterCache::carriesItsConfig);
  }

  private static boolean carriesItsConfig(Job job) {
    var template = job.getSpec().getTemplate().getMetadata();
    return template != null
        && template.getAnnotations() != null
        && template.getAnnotations().containsKey(StageJob.CONFIG_ANNOTATION);
  }

  /** Every Job of a run's stage, whatever its attempt. */
  public List<Job> jobs(String namespace, String run, String stage) {
    return sources().jobs().byIndex(BY_STAGE, key(namespace, run, stage));
  }

  /** The pods labelled with one attempt of a run's stage. */
  public List<Pod> pods(String namespace, String run, String stage, int attempt) {
    return sources()
        .pods()
        .byIndex(BY_ATTEMPT, key(namespace, run, stage, Integer.toString(attempt)));
  }

  public List<ResourceQuota> quotas(String namespace) {
    return sources().quotas().list(namespace, q -> true).toList();
  }

  /** Makes a Job this operator created visible to the next reconcile at once. */
  public void created(Job job) {
    sources().jobs().handleRecentResourceCreate(ResourceID.fromResource(job), job);
  }

  /** The object's index key from the values of {@code labels}; none where one is missing. */
  private static List<String> key(HasMetadata object, String... labels) {
    Map<String, String> present = object.getMetadata().getLabels();
    String[] values = new String[labels.length];
    for (int i = 0; i < labels.length; i++) {
      values[i] = present == null ? null : present.get(labels[i]);
      if (values[i] == null) {
        return List.of();
      }
    }
    return List.of(key(object.getMetadata().getNamespace(), values));
  }

  /** namespace/value/value…: what the indexes store and what a lookup asks for. */
  private static String key(String namespace, String... values) {
    return namespace + "/" + String.join("/", values);
  }

  private Sources sources() {
    Sources current = sources;
    if (current == null) {
      throw new IllegalStateException("the run controller has not registered its informers yet");
    }
    return current;
  }
}
