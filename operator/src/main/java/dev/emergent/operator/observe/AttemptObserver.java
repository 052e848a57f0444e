package dev.emergent.operator.observe;

import dev.emergent.plan.ExitCode;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads an attempt's Job and pods into an {@link AttemptState}. Pure: no API calls. */
public final class AttemptObserver {
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  private static final Set<String> DISRUPTION_REASONS =
      Set.of(
          "Evicted", "Preempted", "Shutdown", "Terminated", "NodeLost", "DeletionByTaintManager");

  static final String SUSPENDED =
      "the Job is suspended (waiting for admission, or preempted): it starts, or resumes from"
          + " the latest checkpoint, when admitted";

  private AttemptObserver() {}

  /**
   * The attempt's state. A suspended Job is queued whatever its pods did: Kueue suspends a Job to
   * preempt it and its pods then end, which is a disruption to wait out, not a failure.
   */
  public static AttemptState observe(Job job, List<Pod> pods, int progressPort) {
    if (job == null) {
      return AttemptState.absent();
    }
    String uid = job.getMetadata().getUid();
    if (hasCondition(job, "Complete")) {
      String summary =
          rankZero(pods)
              .flatMap(AttemptObserver::terminated)
              .map(ContainerStateTerminated::getMessage)
              .orElse(null);
      return new AttemptState(
          AttemptState.Phase.SUCCEEDED, AttemptState.Failure.NONE, summary, null, null, null, uid);
    }
    if (hasCondition(job, "Failed")) {
      return failed(pods, uid);
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new AttemptState(
          AttemptState.Phase.QUEUED, AttemptState.Failure.NONE, null, null, SUSPENDED, null, uid);
    }
    if (pods.stream().anyMatch(p -> "Failed".equals(phase(p)))) {
      return failed(pods, uid);
    }
    Optional<Pod> rankZero = rankZero(pods).filter(p -> "Running".equals(phase(p)));
    String url =
        rankZero
            .map(p -> p.getStatus().getPodIP())
            .filter(ip -> ip != null && !ip.isBlank())
            .map(
                ip ->
                    "http://"
                        + (ip.contains(":") ? "[" + ip + "]" : ip)
                        + ":"
                        + progressPort
                        + "/progress")
            .orElse(null);
    boolean running = pods.size() > 0 && pods.stream().allMatch(p -> "Running".equals(phase(p)));
    return new AttemptState(
        running ? AttemptState.Phase.RUNNING : AttemptState.Phase.STARTING,
        AttemptState.Failure.NONE,
        null,
        url,
        null,
        running ? runningSince(pods) : started(job),
        uid);
  }

  /**
   * When the Job started: its startTime, which the Job controller sets again each time a suspended
   * Job is admitted, else its creation.
   */
  private static Instant started(Job job) {
    String time =
        job.getStatus() != null && job.getStatus().getStartTime() != null
            ? job.getStatus().getStartTime()
            : job.getMetadata().getCreationTimestamp();
    return time == null ? null : Instant.parse(time);
  }

  /** When the last trainer container of the gang started; null when a pod does not say. */
  private static Instant runningSince(List<Pod> pods) {
    Instant latest = null;
    for (Pod pod : pods) {
      Optional<String> started =
          Optional.ofNullable(pod.getStatus().getContainerStatuses()).stream()
              .flatMap(List::stream)
              .map(ContainerStatus::getState)
              .filter(s -> s != null && s.getRunning() != null)
              .map(s -> s.getRunning().getStartedAt())
              .filter(t -> t != null)
              .findFirst();
      if (started.isEmpty()) {
        return null;
      }
      Instant at = Instant.parse(started.get());
      latest = latest == null || at.isAfter(latest) ? at : latest;
    }
    return latest;
  }

  private static AttemptState failed(List<Pod> pods, String jobUid) {
    for (Pod pod : pods) {
      if (isDisrupted(pod)) {
        return new AttemptState(
            AttemptState.Phase.FAILED,
            AttemptState.Failure.DISRUPTED,
            null,
            null,
            "pod "
                + pod.getMetadata().getName()
                + " was disrupted ("
                + Optional.ofNullable(pod.getStatus().getReason()).orElse("DisruptionTarget")
                + ")",
            null,
            jobUid);
      }
    }
    AttemptState.Failure worst = AttemptState.Failure.CRASHED;
    String message = "the Job failed";
    String summary = null;
    for (Pod pod : pods) {
      Optional<ContainerStateTerminated> terminated = terminated(pod);
      if (terminated.isEmpty()
          || terminated.get().getExitCode() == null
          || terminated.get().getExitCode() == 0) {
        continue;
      }
      int code = terminated.get().getExitCode();
      AttemptState.Failure failure =
          switch (ExitCode.of(code).orElse(ExitCode.FAILED)) {
            case LOSS_DIVERGED -> AttemptState.Failure.LOSS_DIVERGED;
            case BAD_INPUT -> AttemptState.Failure.BAD_INPUT;
            case CHECKPOINT_CORRUPT -> AttemptState.Failure.CHECKPOINT_CORRUPT;
            default -> AttemptState.Failure.CRASHED;
          };
      if (worst == AttemptState.Failure.CRASHED) {
        worst = failure;
        summary = terminated.get().getMessage();
        message = "pod " + pod.getMetadata().getName() + " exited with code " + code;
      }
    }
    return new AttemptState(AttemptState.Phase.FAILED, worst, summary, null, message, null, jobUid);
  }

  static boolean isDisrupted(Pod pod) {
    if (pod.getStatus() == null) {
      return false;
    }
    if (pod.getStatus().getReason() != null
        && DISRUPTION_REASONS.contains(pod.getStatus().getReason())) {
      return true;
    }
    List<PodCondition> conditions = pod.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<Pod> rankZero(List<Pod> pods) {
    return pods.stream().filter(p -> "0".equals(index(p))).findFirst();
  }

  private static String index(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    String index = annotations == null ? null : annotations.get(COMPLETION_INDEX);
    return index != null
        ? index
        : pod.getMetadata().getLabels() == null
            ? null
            : pod.getMetadata().getLabels().get(COMPLETION_INDEX);
  }

  private static Optional<ContainerStateTerminated> terminated(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated())
        .findFirst();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static boolean hasCondition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return false;
    }
    for (JobCondition condition : job.getStatus().getConditions()) {
      if (type.equals(condition.getType()) && "True".equals(condition.getStatus())) {
        return true;
      }
    }
    return false;
  }
}
