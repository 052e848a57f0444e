package dev.emergent.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptObserverTest {

  private static Job job(String condition, boolean suspended) {
    JobBuilder job =
        new JobBuilder()
            .withNewMetadata()
            .withName("r-s-1")
            .endMetadata()
            .withNewSpec()
            .withSuspend(suspended)
            .endSpec();
    if (condition != null) {
      job.withNewStatus()
          .addNewCondition()
          .withType(condition)
          .withStatus("True")
          .endCondition()
          .endStatus();
    }
    return job.build();
  }

  private static Pod pod(int index, String phase, Integer exitCode, String message) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("r-s-1-" + index)
            .addToAnnotations("batch.kubernetes.io/job-completion-index", Integer.toString(index))
            .endMetadata()
            .withNewStatus()
            .withPhase(phase)
            .withPodIP("10.0.0." + (index + 1))
            .endStatus();
    if (exitCode != null) {
      pod.editStatus()
          .addNewContainerStatus()
          .withName("trainer")
          .withNewState()
          .withNewTerminated()
          .withExitCode(exitCode)
          .withMessage(message)
          .endTerminated()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    return pod.build();
  }

  @Test
  void noJobIsAbsent() {
    assertThat(AttemptObserver.observe(null, List.of(), 8080).phase())
        .isEqualTo(AttemptState.Phase.ABSENT);
  }

  @Test
  void aSuspendedJobIsQueued() {
    assertThat(AttemptObserver.observe(job(null, true), List.of(), 8080).phase())
        .isEqualTo(AttemptState.Phase.QUEUED);
  }

  @Test
  void aSuspendedJobIsQueuedNotFailedWhateverItsPodsDid() {
    AttemptState state =
        AttemptObserver.observe(job(null, true), List.of(pod(0, "Failed", 143, null)), 8080);

    assertThat(state.phase()).isEqualTo(AttemptState.Phase.QUEUED);
    assertThat(state.failure()).isEqualTo(AttemptState.Failure.NONE);
    assertThat(state.message()).isEqualTo(AttemptObserver.SUSPENDED);
  }

  @Test
  void aRunningGangRunsSinceItsLastTrainerStarted() {
    Pod early = started(pod(0, "Running", null, null), "2026-11-30T08:00:00Z");
    Pod late = started(pod(1, "Running", null, null), "2026-11-30T08:05:00Z");

    assertThat(AttemptObserver.observe(job(null, false), List.of(early, late), 8080).since())
        .isEqualTo(java.time.Instant.parse("2026-11-30T08:05:00Z"));
    assertThat(
            AttemptObserver.observe(
                    job(null, false), List.of(early, pod(1, "Pending", null, null)), 8080)
                .since())
        .isNull();
  }

  private static Pod started(Pod pod, String at) {
    return new PodBuilder(pod)
        .editStatus()
        .addNewContainerStatus()
        .withName("trainer")
        .withNewState()
        .withNewRunning()
        .withStartedAt(at)
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void runningPodsGiveRankZerosProgressAddress() {
    AttemptState state =
        AttemptObserver.observe(
            job(null, false),
            List.of(pod(1, "Running", null, null), pod(0, "Running", null, null)),
            8080);

    assertThat(state.phase()).isEqualTo(AttemptState.Phase.RUNNING);
    assertThat(state.progressUrl()).isEqualTo("http://10.0.0.1:8080/progress");
  }

  @Test
  void aCompleteJobCarriesRankZerosSummary() {
    AttemptState state =
        AttemptObserver.observe(
            job("Complete", false),
            List.of(
                pod(0, "Succeeded", 0, "{\"checkpoint\":\"r/s/step-9\"}"),
                pod(1, "Succeeded", 0, null)),
            8080);

    assertThat(state.phase()).isEqualTo(AttemptState.Phase.SUCCEEDED);
    assertThat(state.summary()).isEqualTo("{\"checkpoint\":\"r/s/step-9\"}");
  }

  @Test
  void exitCodesTellWhyAnAttemptFailed() {
    assertThat(
            AttemptObserver.observe(
                    job("Failed", false),
                    List.of(pod(0, "Failed", 3, "nan"), pod(1, "Failed", 137, null)),
                    8080)
                .failure())
        .isEqualTo(AttemptState.Failure.LOSS_DIVERGED);
    assertThat(
            AttemptObserver.observe(job("Failed", false), List.of(pod(0, "Failed", 2, null)), 8080)
                .failure())
        .isEqualTo(AttemptState.Failure.BAD_INPUT);
    assertThat(
            AttemptObserver.observe(job("Failed", false), List.of(pod(0, "Failed", 5, null)), 8080)
                .failure())
        .isEqualTo(AttemptState.Failure.CHECKPOINT_CORRUPT);
    AttemptState crashed =
        AttemptObserver.observe(job("Failed", false), List.of(pod(1, "Failed", 1, null)), 8080);
    assertThat(crashed.failure()).isEqualTo(AttemptState.Failure.CRASHED);
    assertThat(crashed.message()).isEqualTo("pod r-s-1-1 exited with code 1");
  }

  @Test
  void anEvictedOrPreemptedPodIsADisruption() {
    Pod evicted =
        new PodBuilder(pod(1, "Failed", 137, null))
            .editStatus()
            .withReason("Evicted")
            .endStatus()
            .build();
    Pod preempted =
        new PodBuilder(pod(0, "Failed", 137, null))
            .editStatus()
            .addNewCondition()
            .withType("DisruptionTarget")
            .withStatus("True")
            .withReason("PreemptionByScheduler")
            .endCondition()
            .endStatus()
            .build();

    assertThat(AttemptObserver.observe(job("Failed", false), List.of(evicted), 8080).failure())
        .isEqualTo(AttemptState.Failure.DISRUPTED);
    assertThat(AttemptObserver.observe(job("Failed", false), List.of(preempted), 8080).failure())
        .isEqualTo(AttemptState.Failure.DISRUPTED);
  }
}
