package dev.emergent.trainer.mesh;

import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The data axis of a mesh: each rank trains on its slice of the global batch, and the gradient sums
 * are all-reduced before clipping, so every rank takes the same optimizer step and the replicas
 * stay identical. A world of one rank needs no group.
 */
public final class DataParallel {
  private final ProcessGroup group;

  private DataParallel(ProcessGroup group) {
    this.group = group;
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

  /** Sums the gradients of every data rank in place. */
  public void allReduceGradients(Parameters parameters) {
    if (group == null) {
      return;
    }
    if (parameters.dataType() != DataType.FLOAT) {
      throw new IllegalStateException("data-parallel gradients are float32");
    }
    float[] grads = parameters.grads().data().asFloat();
    group.allReduceSum(grads);
    parameters.grads().assign(Nd4j.create(grads, new long[] {grads.length}, DataType.FLOAT));
  }

  /** Sums a few numbers (loss, weights, hits) over the data ranks. */
  public double[] sum(double... values) {
    if (group == null) {
      return values;
    }
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
}
