package dev.emergent.trainer.bench;

import dev.emergent.trainer.shards.ShardBatches;
import dev.emergent.trainer.shards.ShardManifest;
import dev.emergent.trainer.shards.TokenShards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Emergent's side of bench/data-pipeline's loader lines: RANKS data ranks (threads, each with its
 * own loader, as separate processes would have) read their rows of STEPS global batches of BATCH
 * windows of CONTEXT tokens from a prepared corpus. Prints one JSON line: tokens per second over
 * all ranks, the corpus size, the heap limit and the process's peak anonymous memory, which is what
 * the loader holds (mapped shard pages are file-backed and reclaimable). Usage: LoaderBenchmark DIR
 * RANKS STEPS BATCH CONTEXT
 */
public final class LoaderBenchmark {
  private LoaderBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int ranks = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int context = Integer.parseInt(args[4]);
    String tokenizer = ShardManifest.read(dir).tokenizer().sha256();
    List<ShardBatches> loaders = new ArrayList<>();
    for (int r = 0; r < ranks; r++) {
      loaders.add(new ShardBatches(TokenShards.open(dir, tokenizer), 1234, context, batch, 0, 0));
    }
    int rows = batch / ranks;
    long started = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    long[] checksums = new long[ranks];
    for (int r = 0; r < ranks; r++) {
      int rank = r;
      Thread thread =
          new Thread(
              () -> {
                for (long step = 0; step < steps; step++) {
                  for (int id : loaders.get(rank).train(step, rank * rows, rows).inputs()) {
                    checksums[rank] += id;
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long corpusBytes = 0;
    for (ShardManifest.Split split : ShardManifest.read(dir).splits().values()) {
      for (ShardManifest.Shard shard : split.shards()) {
        corpusBytes += Files.size(dir.resolve(shard.file()));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "{\"tokensPerSecond\": %.0f, \"corpusBytes\": %d, \"maxHeapBytes\": %d,"
            + " \"peakRssKb\": %d, \"rssAnonKb\": %d, \"checksum\": %d}%n",
        (double) steps * rows * ranks * context / seconds,
        corpusBytes,
        Runtime.getRuntime().maxMemory(),
        status("VmHWM"),
        status("RssAnon"),
        java.util.Arrays.stream(checksums).sum());
  }

  /** A line of /proc/self/status, in kB. */
  private static long status(String field) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
