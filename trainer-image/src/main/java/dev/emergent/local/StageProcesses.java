package dev.emergent.local;

import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StagePlan;
import dev.emergent.trainer.launch.JavaCommand;
import dev.emergent.trainer.run.TrainerMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The trainer processes of one stage on this machine: one per rank, on 127.0.0.1, with the launch
 * environment, a fresh run token and compute threads = cores / ranks. They stop together.
 */
final class StageProcesses implements AutoCloseable {
  private final List<Process> ranks = new ArrayList<>();
  private final Path logs;
  private final String stage;

  private StageProcesses(Path logs, String stage) {
    this.logs = logs;
    this.stage = stage;
  }

  static StageProcesses start(
      StagePlan plan, Path config, Path checkpoints, Path dataRoot, Path logs) throws IOException {
    StageProcesses processes = new StageProcesses(logs, plan.name());
    int world = plan.worldSize();
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / world);
    byte[] token = new byte[16];
    new SecureRandom().nextBytes(token);
    int port = freePort();
    Map<String, String> common =
        LaunchEnvironment.common(plan, config.toString(), "127.0.0.1", port);
    for (int rank = 0; rank < world; rank++) {
      ProcessBuilder builder =
          new ProcessBuilder(
              JavaCommand.of(
                  List.of(
                      // Marks the process for ps and tests: the class name follows a long
                      // classpath.
                      "-Demergent.trainer=" + plan.name() + "/" + rank, "-XX:+UseSerialGC"),
                  TrainerMain.class.getName(),
                  List.of()));
      Map<String, String> env = builder.environment();
      env.putAll(common);
      env.put(LaunchEnvironment.RANK, Integer.toString(rank));
      env.put(LaunchEnvironment.RUN_TOKEN, HexFormat.of().formatHex(token));
      env.put(LaunchEnvironment.CHECKPOINT_ROOT, checkpoints.toString());
      env.put(LaunchEnvironment.DATA_ROOT, dataRoot.toString());
      env.put(LaunchEnvironment.PROGRESS_PORT, "0");
      env.put(LaunchEnvironment.TERMINATION_LOG, processes.summary(rank).toString());
      env.put("OMP_NUM_THREADS", Integer.toString(threads));
      env.put("OMP_WAIT_POLICY", "PASSIVE");
      builder.redirectErrorStream(true).redirectOutput(processes.log(rank).toFile());
      processes.ranks.add(builder.start());
    }
    return processes;
  }

  Path log(int rank) {
    return logs.resolve(stage + "-rank" + rank + ".log");
  }

  Path summary(int rank) {
    return logs.resolve(stage + "-rank" + rank + ".json");
  }

  int size() {
    return ranks.size();
  }

  /** The first rank that ended with a non-zero code, if any. */
  Optional<Integer> failedRank() {
    for (int rank = 0; rank < ranks.size(); rank++) {
      Process p = ranks.get(rank);
      if (!p.isAlive() && p.exitValue() != 0) {
        return Optional.of(rank);
      }
    }
    return Optional.empty();
  }

  boolean allDone() {
    return ranks.stream().noneMatch(Process::isAlive);
  }

  int exitCode(int rank) {
    return ranks.get(rank).exitValue();
  }

  /** Stops every rank still running: politely, then forcibly after a few seconds. */
  @Override
  public void close() {
    for (Process p : ranks) {
      p.destroy();
    }
    for (Process p : ranks) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
