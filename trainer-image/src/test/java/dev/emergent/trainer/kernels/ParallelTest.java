package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void aSplitInsideATaskRunsOnTheTasksThreadAndCoversItsRange() {
    int tasks = 4;
    int inner = 1_000;
    AtomicIntegerArray visits = new AtomicIntegerArray(tasks * inner);

    // With a pool one thread smaller than the split, an inner split queued behind its own task
    // would wait forever: the timeout turns that into a failure.
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () ->
            Parallel.tasks(
                tasks,
                t ->
                    Parallel.split(
                        inner,
                        1,
                        Long.MAX_VALUE / 2,
                        (from, to) -> {
                          for (int i = from; i < to; i++) {
                            visits.incrementAndGet(t * inner + i);
                          }
                        })));

    for (int i = 0; i < visits.length(); i++) {
      assertThat(visits.get(i)).as("element %d", i).isEqualTo(1);
    }
  }
}
