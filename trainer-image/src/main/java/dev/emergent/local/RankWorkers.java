package dev.emergent.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's trainer processes on this machine, one per rank ({@link RankWorker}), kept warm from
 * stage to stage while the stages have as many ranks. A stage that fails or is stopped takes them
 * down with it, so that nothing of it reaches the next start.
 */
final class RankWorkers implements AutoCloseable {
  /**
   * How long a worker may take to leave at the end of a run (rank 0 may write the class archive).
   */
  private static final long FINISH_SECONDS = 60;

  private final String run;
  private final ClassArchive archive;
  private final List<RankWorker> workers = new ArrayList<>();

  RankWorkers(String run, ClassArchive archive) {
    this.run = run;
    this.archive = archive;
  }

  /** The workers for a stage of {@code world} ranks: these, or new ones for another size. */
  synchronized List<RankWorker> forStage(int world) throws IOException {
    if (workers.size() != world || !workers.stream().allMatch(RankWorker::alive)) {
      stop();
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / world);
      for (int rank = 0; rank < world; rank++) {
        workers.add(RankWorker.start(run, rank, threads, archive.options(rank)));
      }
    }
    return List.copyOf(workers);
  }

  /** Stops every worker now (a stage failed, or the user stopped the run). */
  synchronized void stop() {
    workers.forEach(RankWorker::kill);
    workers.forEach(w -> w.awaitExit(5));
    workers.clear();
    archive.dumpEnded(false);
  }

  /** Lets the workers leave once idle; rank 0 publishes the class archive if it wrote one. */
  @Override
  public synchronized void close() {
    workers.forEach(RankWorker::finish);
    List<Integer> codes = workers.stream().map(w -> w.awaitExit(FINISH_SECONDS)).toList();
    workers.clear();
    archive.dumpEnded(!codes.isEmpty() && codes.get(0) == 0);
  }
}
