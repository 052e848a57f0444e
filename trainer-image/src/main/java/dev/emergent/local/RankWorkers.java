package dev.emergent.local;

import dev.emergent.trainer.run.TrainerWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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

  /**
   * Samples from these workers, each one request at a time, in turn, once the run's stages are
   * done: their JVMs have ND4J loaded and the decoding compiled. From {@code fallback} when there
   * are none (a run resumed after its last stage starts no worker).
   */
  synchronized Sampler sampler(Path logs, Sampler fallback) {
    List<RankWorker> ready = workers.stream().filter(RankWorker::alive).toList();
    if (ready.isEmpty()) {
      return fallback;
    }
    List<CompletableFuture<?>> queues =
        new ArrayList<>(Collections.nCopies(ready.size(), CompletableFuture.completedFuture(null)));
    AtomicInteger requests = new AtomicInteger();
    return (checkpoint, prompts, text, maxNewTokens) -> {
      int n = requests.getAndIncrement();
      int slot = n % ready.size();
      RankWorker worker = ready.get(slot);
      Path output = logs.resolve("report-samples-" + n + ".json");
      var samples =
          new TrainerWorker.Samples(
              checkpoint.toString(), prompts, text, maxNewTokens, output.toString());
      CompletableFuture<List<String>> completions;
      synchronized (queues) {
        completions =
            queues
                .get(slot)
                .handle((earlier, failure) -> null)
                .thenCompose(
                    ignored -> write(worker, samples, logs.resolve("report-samples-" + n + ".log")))
                .thenApply(code -> read(code, output, prompts.size()));
        queues.set(slot, completions);
      }
      return completions;
    };
  }

  private static CompletableFuture<Integer> write(
      RankWorker worker, TrainerWorker.Samples samples, Path log) {
    try {
      return worker.write(samples, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> read(int code, Path output, int count) {
    try {
      if (code != 0) {
        throw new IOException("the trainer process exited with " + code);
      }
      String json = Files.readString(output);
      Files.delete(output);
      return Sampler.parse(json, count);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
