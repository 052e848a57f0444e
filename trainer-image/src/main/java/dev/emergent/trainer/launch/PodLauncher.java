package dev.emergent.trainer.launch;

import dev.emergent.plan.ExitCode;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.TerminationSummary;
import dev.emergent.trainer.run.TrainerMain;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point of a trainer pod. With one device per pod the trainer runs in this process. With
 * k devices it starts k trainer processes, local ranks 0..k-1 (rank = pod index × k + local rank),
 * and the pod ends as one process would: SIGTERM reaches every rank, the pod exits with the code
 * that explains the others ({@link ExitCode#worst}), and its termination log holds that rank's
 * summary, or local rank 0's when all succeeded (on pod 0 that is rank 0, which has the metrics).
 */
public final class PodLauncher {

  /** Seconds the other local ranks get to end on their own once one fails (default 10). */
  public static final String SIBLING_GRACE = "EMERGENT_SIBLING_GRACE_SECONDS";

  private PodLauncher() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    int devices = Integer.parseInt(env.getOrDefault(LaunchEnvironment.DEVICES_PER_POD, "1"));
    if (devices <= 1) {
      TrainerMain.main(args);
      return;
    }
    AtomicInteger code = new AtomicInteger(-1);
    CountDownLatch reported = new CountDownLatch(1);
    Stopper stopper = new Stopper();
    // Kubernetes stops a pod with SIGTERM to this process only: pass it on, let the ranks end,
    // and leave with the code the ranks ended with, which System.exit cannot set once the JVM
    // is shutting down.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopper.stop(grace(env));
                  try {
                    reported.await(grace(env).toSeconds() + 5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  Runtime.getRuntime().halt(code.get() >= 0 ? code.get() : 128 + 15);
                },
                "forward-sigterm"));
    code.set(launch(env, devices, stopper, System.err));
    reported.countDown();
    System.exit(code.get());
  }

  /** Runs k local ranks to their end and returns the pod's exit code. */
  static int launch(Map<String, String> env, int devices, Stopper stopper, PrintStream err)
      throws InterruptedException {
    Path terminationLog = LaunchEnvironment.terminationLog(env);
    if (env.containsKey(LaunchEnvironment.RANK)) {
      return report(
          terminationLog,
          failure(
              ExitCode.BAD_INPUT,
              LaunchEnvironment.RANK
                  + " names one rank, but the pod runs "
                  + devices
                  + "; the launcher derives each from "
                  + LaunchEnvironment.JOB_COMPLETION_INDEX),
          err);
    }
    try {
      Path folder = Files.createTempDirectory("emergent-ranks-");
      List<LocalRanks.Launch> launches = launches(env, devices, folder);
      LocalRanks ranks = LocalRanks.start(launches, System.out);
      stopper.started(ranks, grace(env));
      List<LocalRanks.Ending> endings = ranks.await(grace(env));
      return report(terminationLog, podSummary(endings), err);
    } catch (IOException | IllegalArgumentException e) {
      return report(
          terminationLog,
          failure(ExitCode.FAILED, "could not start the pod's " + devices + " ranks: " + e),
          err);
    }
  }

  private static List<LocalRanks.Launch> launches(
      Map<String, String> env, int devices, Path folder) {
    int cores = Runtime.getRuntime().availableProcessors();
    List<String> jvm =
        LocalRankEnvironment.jvmOptions(
            ManagementFactory.getRuntimeMXBean().getInputArguments(), devices);
    List<LocalRanks.Launch> launches = new ArrayList<>();
    for (int local = 0; local < devices; local++) {
      Path summary = folder.resolve("rank-" + local + ".json");
      Map<String, String> rankEnv = LocalRankEnvironment.of(env, local, devices, cores, summary);
      Map<String, String> merged = new HashMap<>(env);
      merged.putAll(rankEnv);
      List<String> options = new ArrayList<>(jvm);
      // Marks the process for ps and tests: the class name follows a long classpath.
      options.add("-Demergent.localRank=" + local);
      List<String> command = JavaCommand.of(options, TrainerMain.class.getName(), List.of());
      launches.add(
          new LocalRanks.Launch(LaunchEnvironment.rank(merged), command, rankEnv, summary));
    }
    return launches;
  }

  /**
   * The pod's summary: the one of the rank whose code explains the others, with its rank named, or
   * local rank 0's when all succeeded; made up from the exit code when that rank wrote none (it was
   * killed, or its JVM died).
   */
  static TerminationSummary podSummary(List<LocalRanks.Ending> endings) {
    int worst = ExitCode.worst(endings.stream().map(LocalRanks.Ending::code).toList());
    LocalRanks.Ending chosen =
        endings.stream()
            .filter(e -> worst == 0 ? e.localRank() == 0 : e.code() == worst)
            .findFirst()
            .orElseThrow();
    String who = "rank " + chosen.rank() + " (local rank " + chosen.localRank() + ")";
    return chosen
        .summary()
        .filter(s -> s.exitCode() == chosen.code())
        .map(
            s ->
                worst == 0 || s.message() == null
                    ? s
                    : new TerminationSummary(
                        s.outcome(),
                        s.exitCode(),
                        s.step(),
                        s.checkpoint(),
                        s.metrics(),
                        who + ": " + s.message(),
                        s.checkpointFallback()))
        .orElseGet(
            () ->
                new TerminationSummary(
                    ExitCode.of(chosen.code()).orElse(ExitCode.FAILED),
                    chosen.code(),
                    null,
                    null,
                    Map.of(),
                    who + ended(chosen.code()),
                    null));
  }

  private static String ended(int code) {
    return code > 128
        ? " was stopped by signal " + (code - 128)
        : " exited with code " + code + " without a summary";
  }

  private static TerminationSummary failure(ExitCode code, String message) {
    return TerminationSummary.of(code, 0, null, Map.of(), message);
  }

  private static int report(Path terminationLog, TerminationSummary summary, PrintStream err) {
    if (summary.message() != null) {
      err.println("emergent-launcher: " + summary.message());
    }
    try {
      summary.write(terminationLog);
    } catch (IOException e) {
      err.println("emergent-launcher: could not write the termination summary: " + e);
    }
    return summary.exitCode();
  }

  private static Duration grace(Map<String, String> env) {
    return Duration.ofSeconds(Long.parseLong(env.getOrDefault(SIBLING_GRACE, "10")));
  }

  /** Hands SIGTERM on to the local ranks, whether it comes before or after they start. */
  static final class Stopper {
    private LocalRanks ranks;
    private boolean stopping;

    void started(LocalRanks started, Duration grace) {
      boolean stopNow;
      synchronized (this) {
        ranks = started;
        stopNow = stopping;
      }
      if (stopNow) {
        started.stop(grace);
      }
    }

    void stop(Duration grace) {
      LocalRanks running;
      synchronized (this) {
        stopping = true;
        running = ranks;
      }
      if (running != null) {
        running.stop(grace);
      }
    }
  }
}
