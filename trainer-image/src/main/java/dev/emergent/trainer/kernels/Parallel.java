package dev.emergent.trainer.kernels;

import dev.emergent.trainer.tensor.ComputeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Splits a kernel's range over as many threads as the BLAS gets ({@link ComputeThreads}): the
 * BLAS's threads sleep between products ({@code LaunchEnvironment.BLAS_THREADS_SLEEP}, which every
 * launcher sets), so the fused passes can use the same cores in between.
 */
public final class Parallel {
  public static final int THREADS = ComputeThreads.of(System.getenv());

  /** Below this many elements of work a range runs on the calling thread alone. */
  private static final int MIN_WORK = 32_768;

  private static final ExecutorService POOL =
      THREADS == 1
          ? null
          : Executors.newFixedThreadPool(
              THREADS - 1,
              task -> {
                Thread thread = new Thread(task, "emergent-kernel");
                thread.setDaemon(true);
                return thread;
              });

  /** Whether this thread runs a part of a split: a split inside one runs on this thread alone. */
  private static final ThreadLocal<Boolean> IN_PART = ThreadLocal.withInitial(() -> false);

  /** A part [from, to) of a kernel's range. */
  public interface Range {
    void run(int from, int to);
  }

  private Parallel() {}

  /**
   * Runs body over [0, n) in up to {@link #THREADS} contiguous parts whose starts are multiples of
   * {@code align}; {@code work} is the number of elements the whole range touches.
   */
  public static void split(int n, int align, long work, Range body) {
    int parts = (int) Math.min(THREADS, Math.max(1, work / MIN_WORK));
    if (parts <= 1 || n < 2L * align || IN_PART.get()) {
      body.run(0, n);
      return;
    }
    int size = ((n + parts - 1) / parts + align - 1) / align * align;
    List<Future<?>> running = new ArrayList<>();
    for (int from = size; from < n; from += size) {
      int start = from;
      int end = Math.min(n, from + size);
      running.add(POOL.submit(() -> part(body, start, end)));
    }
    part(body, 0, Math.min(n, size));
    for (Future<?> part : running) {
      try {
        part.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted in a fused kernel", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a fused kernel failed", e.getCause());
      }
    }
  }

  /** Runs tasks 0..n−1, each whole, over the threads: the same as a split with enough work. */
  public static void tasks(int n, IntConsumer task) {
    split(
        n,
        1,
        (long) n * MIN_WORK,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            task.accept(i);
          }
        });
  }

  /**
   * The pool has one thread fewer than {@link #THREADS} and the caller waits for it, so a split
   * inside a part would wait for a task queued behind the part itself: it runs on the part's thread
   * instead.
   */
  private static void part(Range body, int from, int to) {
    IN_PART.set(true);
    try {
      body.run(from, to);
    } finally {
      IN_PART.set(false);
    }
  }
}
