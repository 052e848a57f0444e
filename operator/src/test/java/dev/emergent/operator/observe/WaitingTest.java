package dev.emergent.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitingTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(60);
  private static final PersistentVolumeClaim BOUND = claim("Bound");
  private static final PersistentVolumeClaim PENDING = claim("Pending");

  @Test
  void runningPodsWaitForNothingEvenOnAPendingClaim() {
    assertThat(Waiting.of(PENDING, List.of(pod("Running"), pod("Running")), NOW, GRACE)).isEmpty();
  }

  @Test
  void theSchedulersMessageComesFirst() {
    Pod unschedulable =
        new PodBuilder(pod("Pending"))
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/2 nodes are available: 2 Insufficient cpu.")
            .endCondition()
            .endStatus()
            .build();

    assertThat(Waiting.of(PENDING, List.of(pod("Running"), unschedulable), NOW, GRACE))
        .contains(
            new Waiting(
                "Unschedulable",
                "pods cannot be scheduled: 0/2 nodes are available: 2 Insufficient cpu."));
  }

  @Test
  void aPendingClaimIsNamedWhenPodsWait() {
    assertThat(Waiting.of(PENDING, List.of(pod("Pending")), NOW, GRACE))
        .hasValueSatisfying(
            w -> {
              assertThat(w.reason()).isEqualTo("VolumeNotBound");
              assertThat(w.message()).startsWith("checkpoint claim run-checkpoints is Pending");
            });
  }

  @Test
  void anImageThatCannotBePulledIsNamed() {
    Pod pulling =
        new PodBuilder(pod("Pending"))
            .editStatus()
            .addNewContainerStatus()
            .withName("trainer")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"ghcr.io/x/trainer:9\"")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();

    assertThat(Waiting.of(BOUND, List.of(pulling), NOW, GRACE))
        .contains(
            new Waiting(
                "ImagePullBackOff",
                "the trainer image cannot be pulled: Back-off pulling image \"ghcr.io/x/trainer:9\""));
  }

  @Test
  void aNewClaimMayBindOnceThePodsAreScheduled() {
    PersistentVolumeClaim fresh =
        new PersistentVolumeClaimBuilder(PENDING)
            .editMetadata()
            .withCreationTimestamp("2026-11-30T09:59:30Z")
            .endMetadata()
            .build();

    assertThat(Waiting.of(fresh, List.of(pod("Pending")), NOW, GRACE)).isEmpty();
  }

  @Test
  void podsThatAreMerelyStartingWaitForNothingNamed() {
    assertThat(Waiting.of(BOUND, List.of(pod("Pending")), NOW, GRACE)).isEmpty();
    assertThat(Waiting.of(null, List.of(), NOW, GRACE)).isEmpty();
  }

  @Test
  void podsStartingWithinTheLimitAreNotNamed() {
    Duration limit = Duration.ofMinutes(10);

    assertThat(Waiting.slowStart(List.of(pod("Pending")), 1, Duration.ofMinutes(9), limit))
        .isEmpty();
    assertThat(Waiting.slowStart(List.of(pod("Pending")), 1, null, limit)).isEmpty();
  }

  @Test
  void podsPastTheStartLimitAreNamedWithTheirStateAndMissingPodsCounted() {
    Pod creating =
        new PodBuilder(pod("Pending"))
            .editMetadata()
            .withName("r-s-1-0")
            .endMetadata()
            .editStatus()
            .addNewContainerStatus()
            .withName("trainer")
            .withNewState()
            .withNewWaiting()
            .withReason("CreateContainerConfigError")
            .withMessage("secret \"r-s-1-token\" not found")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    Pod gated =
        new PodBuilder(pod("Pending"))
            .editMetadata()
            .withName("r-s-1-1")
            .endMetadata()
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("SchedulingGated")
            .endCondition()
            .endStatus()
            .build();

    assertThat(
            Waiting.slowStart(
                List.of(pod("Running"), creating, gated),
                4,
                Duration.ofMinutes(11),
                Duration.ofMinutes(10)))
        .contains(
            new Waiting(
                "PodsNotStarted",
                "3 of 4 pods not running after 660 s (pod-start-limit 600 s): r-s-1-0 Pending"
                    + " (CreateContainerConfigError: secret \"r-s-1-token\" not found), r-s-1-1"
                    + " Pending (PodScheduled=False (SchedulingGated)); 1 pod not created (the Job's"
                    + " events say why, e.g. a ResourceQuota they exceed)"));
  }

  @Test
  void aJobWithoutPodsPastTheLimitSaysNoneWereCreated() {
    assertThat(Waiting.slowStart(List.of(), 2, Duration.ofMinutes(11), Duration.ofMinutes(10)))
        .hasValueSatisfying(
            w ->
                assertThat(w.message())
                    .isEqualTo(
                        "2 of 2 pods not running after 660 s (pod-start-limit 600 s): 2 pods not"
                            + " created (the Job's events say why, e.g. a ResourceQuota they"
                            + " exceed)"));
  }

  private static Pod pod(String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static PersistentVolumeClaim claim(String phase) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("run-checkpoints")
        .withCreationTimestamp("2026-11-30T09:50:00Z")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
