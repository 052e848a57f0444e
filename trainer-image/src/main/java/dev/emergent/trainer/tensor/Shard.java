package dev.emergent.trainer.tensor;

/**
 * Which part of a full tensor one model-parallel rank holds: along dimension {@code dim}, split
 * into {@code groups} equal blocks (3 for a packed query/key/value projection), rank {@code index}
 * of {@code count} holds the {@code index}-th equal slice of every block. A count of 1 is the whole
 * tensor, replicated on every rank.
 */
public record Shard(int dim, int groups, int index, int count) {
  public static final Shard WHOLE = new Shard(0, 1, 0, 1);

  public Shard {
    if (count < 1 || index < 0 || index >= count || groups < 1) {
      throw new IllegalArgumentException(
          "bad shard " + dim + "/" + groups + "/" + index + "/" + count);
    }
  }

  /** Columns of a matrix (dimension 1), e.g. the first layer of a Megatron MLP. */
  public static Shard columns(int groups, int index, int count) {
    return new Shard(1, groups, index, count);
  }

  /** Rows of a matrix or the elements of a vector (dimension 0). */
  public static Shard rows(int groups, int index, int count) {
    return new Shard(0, groups, index, count);
  }

  public boolean whole() {
    return count == 1;
  }

  /** The full tensor's shape, given this rank's {@code local} shape. */
  public long[] fullShape(long[] local) {
    long[] full = local.clone();
    full[dim] *= count;
    return full;
  }

  /** This rank's slice of a full tensor, both row-major. */
  public float[] slice(float[] full, long[] fullShape) {
    float[] local = new float[full.length / count];
    copy(full, fullShape, local, true);
    return local;
  }

  /** This rank's slice of a full tensor, both row-major. */
  public double[] slice(double[] full, long[] fullShape) {
    double[] local = new double[full.length / count];
    copy(full, fullShape, local, true);
    return local;
  }

  /** Writes this rank's slice {@code local} into its place in {@code full}. */
  public void place(float[] local, float[] full, long[] fullShape) {
    copy(full, fullShape, local, false);
  }

  private void copy(Object full, long[] fullShape, Object local, boolean toLocal) {
    long outer = 1;
    for (int d = 0; d < dim; d++) {
      outer *= fullShape[d];
    }
    long inner = 1;
    for (int d = dim + 1; d < fullShape.length; d++) {
      inner *= fullShape[d];
    }
    long along = fullShape[dim];
    long chunk = along / groups / count;
    int run = (int) (chunk * inner);
    for (long o = 0; o < outer; o++) {
      for (int g = 0; g < groups; g++) {
        long fullStart = (o * along + (g * (long) count + index) * chunk) * inner;
        long localStart = (o * along / count + g * chunk) * inner;
        if (toLocal) {
          System.arraycopy(full, (int) fullStart, local, (int) localStart, run);
        } else {
          System.arraycopy(local, (int) localStart, full, (int) fullStart, run);
        }
      }
    }
  }
}
