package dev.emergent.trainer.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.ExitCode;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TerminationSummary;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.run.StageConfigs;
import dev.emergent.trainer.run.TrainerMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods with two devices each, as the operator starts them (JOB_COMPLETION_INDEX, devices per pod,
 * one termination log per pod), played by launcher processes on 127.0.0.1.
 */
class PodLauncherIT {
  @TempDir Path dir;
  private final List<Process> pods = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    for (Process pod : pods) {
      pod.descendants().forEach(ProcessHandle::destroyForcibly);
      pod.destroyForcibly();
    }
  }

  private Path config(int steps, int data, int model) throws IOException {
    StageConfig config =
        StageConfigs.onMesh(StageConfigs.pretrain(1, 32, 2, 16, steps, 8, 4, 1e-3), data, model, 2);
    Path file = dir.resolve("stage.json");
    TrainingRunFiles.JSON.writeValue(file.toFile(), config);
    return file;
  }

  private void start(Path config, int podCount, int port) throws IOException {
    for (int pod = 0; pod < podCount; pod++) {
      ProcessBuilder builder =
          new ProcessBuilder(JavaCommand.of(List.of(), PodLauncher.class.getName(), List.of()));
      Map<String, String> env = builder.environment();
      env.put(LaunchEnvironment.STAGE_CONFIG, config.toString());
      env.put(LaunchEnvironment.JOB_COMPLETION_INDEX, Integer.toString(pod));
      env.put(LaunchEnvironment.DEVICES_PER_POD, "2");
      env.put(LaunchEnvironment.DEVICE, "cpu");
      env.put(LaunchEnvironment.WORLD_SIZE, Integer.toString(2 * podCount));
      env.put(LaunchEnvironment.COORDINATOR, "127.0.0.1:" + port);
      env.put(LaunchEnvironment.RUN_TOKEN, "token-" + port);
      env.put(LaunchEnvironment.CHECKPOINT_ROOT, dir.resolve("checkpoints").toString());
      env.put(LaunchEnvironment.PROGRESS_PORT, "0");
      env.put(LaunchEnvironment.TERMINATION_LOG, terminationLog(pod).toString());
      env.put(TrainerMain.PEER_TIMEOUT, "10");
      env.put(PodLauncher.SIBLING_GRACE, "5");
      env.put("OMP_NUM_THREADS", "1");
      builder.redirectErrorStream(true).redirectOutput(log(pod).toFile());
      pods.add(builder.start());
    }
  }

  private Path terminationLog(int pod) {
    return dir.resolve("termination-pod-" + pod);
  }

  private Path log(int pod) {
    return dir.resolve("pod-" + pod + ".log");
  }

  private TerminationSummary summary(int pod) {
    return TerminationSummary.read(terminationLog(pod)).orElseThrow();
  }

  private void awaitTraining() throws Exception {
    Path progress = dir.resolve("checkpoints/test/pretrain/progress.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!(Files.exists(progress) && Files.readString(progress).contains("\"Running\""))) {
      assertThat(System.nanoTime()).as("rank 0 never reported progress").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** A rank process of a pod, by the marker the launcher puts before the classpath. */
  private static ProcessHandle localRank(Process pod, int localRank) {
    return pod.children()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .orElse("")
                    .contains("-Demergent.localRank=" + localRank + " "))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void twoPodsOfTwoDevicesTrainTogether() throws Exception {
    start(config(6, 2, 2), 2, freePort());

    for (Process pod : pods) {
      assertThat(pod.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(pod.exitValue()).as(Files.readString(log(pods.indexOf(pod)))).isZero();
    }
    assertThat(summary(0).checkpoint()).isEqualTo("test/pretrain/step-6");
    assertThat(summary(0).metrics()).containsKeys("loss", "bytesSent");
    assertThat(summary(1).succeeded()).isTrue();
    assertThat(dir.resolve("checkpoints/test/pretrain/step-6/manifest.json")).exists();
    assertThat(Files.readString(log(0)))
        .contains("[rank 0] rank 0 of 4 at {data=0, model=0}")
        .contains("[rank 1] rank 1 of 4 at {data=0, model=1}");
    assertThat(Files.readString(log(1)))
        .contains("[rank 2] rank 2 of 4 at {data=1, model=0}")
        .contains("[rank 3] rank 3 of 4 at {data=1, model=1}")
        .contains("1 compute threads");
  }

  @Test
  void aKilledLocalRankFailsItsPodWithTheKillsCodeAndTheOtherPodLosesItsPeer() throws Exception {
    start(config(100000, 2, 2), 2, freePort());
    awaitTraining();

    localRank(pods.get(1), 1).destroyForcibly();

    assertThat(pods.get(1).waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(pods.get(1).exitValue()).isEqualTo(128 + 9);
    assertThat(summary(1).message()).isEqualTo("rank 3 (local rank 1) was stopped by signal 9");
    assertThat(pods.get(0).waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(pods.get(0).exitValue()).isEqualTo(ExitCode.PEER_LOST.code());
    assertThat(summary(0).outcome()).isEqualTo(ExitCode.PEER_LOST);
  }

  @Test
  void sigtermReachesEveryLocalRankAndThePodEndsWithIt() throws Exception {
    start(config(100000, 2, 1), 1, freePort());
    awaitTraining();
    List<ProcessHandle> ranks = List.of(localRank(pods.get(0), 0), localRank(pods.get(0), 1));

    pods.get(0).destroy();

    assertThat(pods.get(0).waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(pods.get(0).exitValue()).isEqualTo(128 + 15);
    assertThat(ranks).noneMatch(ProcessHandle::isAlive);
    assertThat(summary(0).message()).endsWith("was stopped by signal 15");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
