package dev.emergent.trainer.launch;

import dev.emergent.plan.TerminationSummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The trainer processes of one pod, one per local rank, which end together: once one fails, the
 * others get a grace period to end on their own (a peer that lost its neighbour says so), then are
 * stopped with SIGTERM and, a grace period later, killed.
 */
final class LocalRanks {
  /** How long the last lines of an ended rank may take to reach the pod's log. */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

  /** How one local rank ended: its exit code and the summary it wrote, if any. */
  record Ending(int localRank, int rank, int code, Optional<TerminationSummary> summary) {}

  /** One local rank to start: its global rank, its command, environment and summary file. */
  record Launch(int rank, List<String> command, Map<String, String> env, Path summary) {}

  private final List<Process> processes = new ArrayList<>();
  private final List<Launch> launches;
  private final List<Ending> endings = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private LocalRanks(List<Launch> launches) {
    this.launches = List.copyOf(launches);
  }

  /**
   * Starts every local rank. Their output goes to {@code out}, each line prefixed with its rank:
   * kubectl logs shows one stream per pod, and k ranks printing at once would mix their lines.
   */
  static LocalRanks start(List<Launch> launches, PrintStream out) throws IOException {
    LocalRanks ranks = new LocalRanks(launches);
    for (int localRank = 0; localRank < launches.size(); localRank++) {
      Launch launch = launches.get(localRank);
      ProcessBuilder builder = new ProcessBuilder(launch.command()).redirectErrorStream(true);
      builder.environment().putAll(launch.env());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        ranks.stop(Duration.ofSeconds(5));
        throw e;
      }
      ranks.processes.add(process);
      ranks.pumps.add(pump(process.getInputStream(), "[rank " + launch.rank() + "] ", out));
      int local = localRank;
      process.onExit().thenRun(() -> ranks.ended(local));
    }
    return ranks;
  }

  private void ended(int localRank) {
    Launch launch = launches.get(localRank);
    Ending ending =
        new Ending(
            localRank,
            launch.rank(),
            processes.get(localRank).exitValue(),
            TerminationSummary.read(launch.summary()));
    synchronized (endings) {
      endings.add(ending);
      endings.notifyAll();
    }
  }

  /**
   * Waits until every local rank has ended, stopping the rest {@code grace} after the first
   * failure. Returns the endings in the order they happened.
   */
  List<Ending> await(Duration grace) throws InterruptedException {
    synchronized (endings) {
      long stopAt = Long.MAX_VALUE;
      while (endings.size() < processes.size() && System.nanoTime() < stopAt) {
        if (stopAt == Long.MAX_VALUE && endings.stream().anyMatch(e -> e.code() != 0)) {
          stopAt = System.nanoTime() + grace.toNanos();
        }
        endings.wait(200);
      }
    }
    stop(grace);
    synchronized (endings) {
      while (endings.size() < processes.size()) {
        endings.wait(200);
      }
    }
    for (Thread pump : pumps) {
      pump.join(OUTPUT_DRAIN.toMillis());
    }
    synchronized (endings) {
      return List.copyOf(endings);
    }
  }

  private static Thread pump(InputStream from, String prefix, PrintStream to) {
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (to) {
                    to.println(prefix + line);
                  }
                }
              } catch (IOException e) {
                synchronized (to) {
                  to.println(prefix + "(output lost: " + e + ")");
                }
              }
            },
            prefix.strip() + " output");
    pump.setDaemon(true);
    pump.start();
    return pump;
  }

  /**
   * SIGTERM to every local rank still running; SIGKILL to those still there after {@code grace}.
   */
  void stop(Duration grace) {
    processes.stream().filter(Process::isAlive).forEach(Process::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (Process process : processes) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
