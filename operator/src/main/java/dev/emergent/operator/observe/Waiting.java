package dev.emergent.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why a started attempt is not running yet, in the words a user acts on: pods the scheduler cannot
 * place, a checkpoint claim that no volume binds, an image that cannot be pulled. Pure: no API
 * calls.
 */
public record Waiting(String reason, String message) {
  public static final String UNSCHEDULABLE = "Unschedulable";
  public static final String VOLUME_NOT_BOUND = "VolumeNotBound";
  public static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
  public static final String PODS_NOT_STARTED = "PodsNotStarted";
  private static final int PODS_NAMED = 3;
  private static final Set<String> PULL_FAILURES =
      Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName");

  /**
   * The first reason that holds: unschedulable pods (the scheduler's message also names unbound
   * claims and missing resources), then a claim that is still not Bound {@code grace} after it was
   * created, then an image pull failure. Nothing while every pod runs: a claim of a
   * WaitForFirstConsumer class is Pending until its pods are scheduled.
   */
  public static Optional<Waiting> of(
      PersistentVolumeClaim claim, List<Pod> pods, Instant now, Duration grace) {
    if (!pods.isEmpty() && pods.stream().allMatch(p -> "Running".equals(phase(p)))) {
      return Optional.empty();
    }
    Optional<Waiting> unschedulable =
        pods.stream()
            .map(Waiting::unschedulable)
            .flatMap(Optional::stream)
            .findFirst()
            .map(
                c ->
                    new Waiting(
                        UNSCHEDULABLE,
                        "pods cannot be scheduled: "
                            + Objects.requireNonNullElse(c.getMessage(), "no reason given")));
    if (unschedulable.isPresent()) {
      return unschedulable;
    }
    if (claim != null
        && claim.getStatus() != null
        && !"Bound".equals(claim.getStatus().getPhase())
        && olderThan(claim, now, grace)) {
      return Optional.of(
          new Waiting(
              VOLUME_NOT_BOUND,
              "checkpoint claim "
                  + claim.getMetadata().getName()
                  + " is "
                  + Objects.requireNonNullElse(claim.getStatus().getPhase(), "Pending")
                  + ": no volume is bound to it (does the cluster have a default StorageClass, or"
                  + " does spec.checkpoint.storage.storageClassName name one?)"));
    }
    return pods.stream()
        .flatMap(p -> waitingContainers(p).stream())
        .filter(w -> PULL_FAILURES.contains(w.getReason()))
        .findFirst()
        .map(
            w ->
                new Waiting(
                    IMAGE_PULL_BACK_OFF,
                    "the trainer image cannot be pulled: "
                        + Objects.requireNonNullElse(w.getMessage(), w.getReason())));
  }

  /**
   * Pods that have been starting longer than {@code limit} for no reason {@link #of} knows: each
   * pod's state in its own words (ContainerCreating, a container config error, a scheduling gate),
   * and pods the Job has not created (a ResourceQuota they exceed shows only in the Job's events).
   */
  public static Optional<Waiting> slowStart(
      List<Pod> pods, int gangSize, Duration starting, Duration limit) {
    if (starting == null || starting.compareTo(limit) <= 0) {
      return Optional.empty();
    }
    List<Pod> notRunning = pods.stream().filter(p -> !"Running".equals(phase(p))).toList();
    int missing = Math.max(0, gangSize - pods.size());
    StringBuilder message =
        new StringBuilder()
            .append(notRunning.size() + missing)
            .append(" of ")
            .append(gangSize)
            .append(" pods not running after ")
            .append(starting.toSeconds())
            .append(" s (pod-start-limit ")
            .append(limit.toSeconds())
            .append(" s)");
    String named =
        notRunning.stream()
            .limit(PODS_NAMED)
            .map(Waiting::describe)
            .reduce((a, b) -> a + ", " + b)
            .orElse("");
    if (!named.isEmpty()) {
      message.append(": ").append(named);
      if (notRunning.size() > PODS_NAMED) {
        message.append(" and ").append(notRunning.size() - PODS_NAMED).append(" more");
      }
    }
    if (missing > 0) {
      message
          .append(named.isEmpty() ? ": " : "; ")
          .append(missing)
          .append(missing == 1 ? " pod" : " pods")
          .append(" not created (the Job's events say why, e.g. a ResourceQuota they exceed)");
    }
    return Optional.of(new Waiting(PODS_NOT_STARTED, message.toString()));
  }

  private static String describe(Pod pod) {
    String state =
        waitingContainers(pod).stream()
            .findFirst()
            .map(
                w ->
                    w.getMessage() == null || w.getMessage().isBlank()
                        ? w.getReason()
                        : w.getReason() + ": " + w.getMessage())
            .or(
                () ->
                    Optional.ofNullable(pod.getStatus())
                        .map(status -> status.getConditions())
                        .flatMap(
                            conditions ->
                                conditions.stream()
                                    .filter(c -> "False".equals(c.getStatus()))
                                    .map(c -> c.getType() + "=False (" + c.getReason() + ")")
                                    .findFirst()))
            .orElse(null);
    return pod.getMetadata().getName()
        + " "
        + Objects.requireNonNullElse(phase(pod), "Pending")
        + (state == null ? "" : " (" + state + ")");
  }

  private static boolean olderThan(PersistentVolumeClaim claim, Instant now, Duration grace) {
    String created = claim.getMetadata().getCreationTimestamp();
    return created == null || Instant.parse(created).plus(grace).isBefore(now);
  }

  private static Optional<PodCondition> unschedulable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(c -> UNSCHEDULABLE.equals(c.getReason()))
        .findFirst();
  }

  private static List<ContainerStateWaiting> waitingContainers(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting())
        .toList();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }
}
