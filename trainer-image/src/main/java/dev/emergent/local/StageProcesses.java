package dev.emergent.local;

import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StagePlan;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One stage on this machine: a rank per worker process ({@link RankWorkers}), on 127.0.0.1, with
 * the launch environment and a fresh run token. The ranks stop together: a stage that does not end
 * with every rank's success stops the workers.
 */
final class StageProcesses implements AutoCloseable {
  private final List<CompletableFuture<Integer>> ranks = new ArrayList<>();
  private final Path logs;
  private final String stage;
  private final RankWorkers workers;

  private StageProcesses(Path logs, String stage, RankWorkers workers) {
    this.logs = logs;
    this.stage = stage;
    this.workers = workers;
  }

  static StageProcesses start(
      StagePlan plan, Path config, Path checkpoints, Path dataRoot, Path logs, RankWorkers workers)
      throws IOException {
    StageProcesses processes = new StageProcesses(logs, plan.name(), workers);
    int world = plan.worldSize();
    byte[] token = new byte[16];
    new SecureRandom().nextBytes(token);
    int port = freePort();
    Map<String, String> common =
        LaunchEnvironment.common(plan, config.toString(), "127.0.0.1", port);
    List<RankWorker> ranks = workers.forStage(world);
    for (int rank = 0; rank < world; rank++) {
      Map<String, String> env = new HashMap<>(common);
      env.put(LaunchEnvironment.RANK, Integer.toString(rank));
      env.put(LaunchEnvironment.RUN_TOKEN, HexFormat.of().formatHex(token));
      env.put(LaunchEnvironment.CHECKPOINT_ROOT, checkpoints.toString());
      env.put(LaunchEnvironment.DATA_ROOT, dataRoot.toString());
      env.put(LaunchEnvironment.PROGRESS_PORT, "0");
      env.put(LaunchEnvironment.TERMINATION_LOG, processes.summary(rank).toString());
      processes.ranks.add(ranks.get(rank).run(env, processes.log(rank)));
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
      CompletableFuture<Integer> r = ranks.get(rank);
      if (r.isDone() && r.join() != 0) {
        return Optional.of(rank);
      }
    }
    return Optional.empty();
  }

  boolean allDone() {
    return ranks.stream().allMatch(CompletableFuture::isDone);
  }

  int exitCode(int rank) {
    return ranks.get(rank).join();
  }

  /** Waits until a rank still running ends, at most {@code millis}. */
  void awaitExit(long millis) throws InterruptedException {
    CompletableFuture<?>[] running =
        ranks.stream().filter(r -> !r.isDone()).toArray(CompletableFuture[]::new);
    if (running.length == 0) {
      return;
    }
    try {
      CompletableFuture.anyOf(running).get(millis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Either way the caller looks at the ranks again.
    }
  }

  /** Stops the workers unless every rank succeeded: politely, then forcibly after a few seconds. */
  @Override
  public void close() {
    if (!allDone() || failedRank().isPresent()) {
      workers.stop();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
