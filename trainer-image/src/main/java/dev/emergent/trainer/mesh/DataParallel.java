package dev.emergent.trainer.mesh;

import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.tensor.GradientsReady;
import dev.emergent.trainer.tensor.Memory;
import dev.emergent.trainer.tensor.Parameters;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The data axis of a mesh: each rank trains on its slice of the global batch, and the gradient sums
 * are all-reduced before clipping, so every rank takes the same optimizer step and the replicas
 * stay identical. A world of one rank needs no group.
 *
 * <p>Gradients can be reduced while the backward pass goes on: {@link #overlap} gives the pass a
 * {@link GradientsReady} that starts the all-reduce of each finished range on this axis's own
 * thread, in the order the pass finishes them (the same on every rank, so the rings match), and
 * {@link #allReduceGradients} waits for those and reduces the ranges nobody reported. Every other
 * collective of this axis waits for the ranges in flight first, so no two share a connection.
 */
public final class DataParallel implements AutoCloseable {
  private final ProcessGroup group;
  private final ExecutorService reducer;
  private final List<Future<?>> inFlight = new ArrayList<>();
  private final List<long[]> started = new ArrayList<>();

  private DataParallel(ProcessGroup group) {
    this.group = group;
    this.reducer =
        group == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "data-parallel-all-reduce");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * Ends the all-reduce thread: a warm trainer process runs many stages, each with its own axis.
   */
  @Override
  public void close() {
    if (reducer != null) {
      reducer.shutdownNow();
    }
  }

  public static DataParallel single() {
    return new DataParallel(null);
  }

  public static DataParallel over(ProcessGroup group) {
    return new DataParallel(group.size() == 1 ? null : group);
  }

  /** This rank's position along the data axis. */
  public int index() {
    return group == null ? 0 : group.index();
  }

  public int size() {
    return group == null ? 1 : group.size();
  }

  /**
   * This rank's share of {@code items} items of work that every rank could do alike (an
   * evaluation's prompts or micro-batches): every size()-th one from its index, so the shares
   * differ by at most one item. {@link #sum} adds up what the shares found.
   */
  public int[] share(int items) {
    return IntStream.iterate(index(), i -> i < items, i -> i + size()).toArray();
  }

  /**
   * For the backward pass of a step's last micro-batch: each range it reports is all-reduced at
   * once, in the background. {@link #allReduceGradients} must follow before the update.
   */
  public GradientsReady overlap(Parameters parameters) {
    if (group == null) {
      return GradientsReady.NONE;
    }
    FloatBuffer grads = gradients(parameters);
    return (from, to) -> {
      for (long[] range : started) {
        if (from < range[1] && range[0] < to) {
          throw new IllegalStateException(
              "gradients [" + from + ", " + to + ") were reported twice in one step");
        }
      }
      started.add(new long[] {from, to});
      inFlight.add(reducer.submit(() -> reduce(grads, from, to)));
    };
  }

  /** Sums the gradients of every data rank in place: the ranges in flight, then all the others. */
  public void allReduceGradients(Parameters parameters) {
    if (group == null) {
      return;
    }
    FloatBuffer grads = gradients(parameters);
    awaitInFlight();
    started.sort(Comparator.comparingLong(range -> range[0]));
    long position = 0;
    for (long[] range : started) {
      if (range[0] > position) {
        reduce(grads, position, range[0]);
      }
      position = range[1];
    }
    if (position < parameters.count()) {
      reduce(grads, position, parameters.count());
    }
    started.clear();
  }

  /** Sums a few numbers (loss, weights, hits) over the data ranks. */
  public double[] sum(double... values) {
    if (group == null) {
      return values;
    }
    awaitInFlight();
    float[] data = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = (float) values[i];
    }
    group.allReduceSum(data);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = data[i];
    }
    return out;
  }

  private static FloatBuffer gradients(Parameters parameters) {
    if (parameters.dataType() != DataType.FLOAT) {
      throw new IllegalStateException("data-parallel gradients are float32");
    }
    return Memory.of(CpuTensor.array(parameters.grads())).asFloatBuffer();
  }

  private void reduce(FloatBuffer grads, long from, long to) {
    float[] values = new float[Math.toIntExact(to - from)];
    grads.get(Math.toIntExact(from), values);
    group.allReduceSum(values);
    grads.put(Math.toIntExact(from), values);
  }

  private void awaitInFlight() {
    try {
      for (Future<?> reduction : inFlight) {
        reduction.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while gradients were all-reduced", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("the gradient all-reduce failed", e.getCause());
    } finally {
      inFlight.clear();
    }
  }
}
