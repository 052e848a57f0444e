package dev.emergent.trainer.compute;

/**
 * A per-row statistic of the CPU backend, in double whatever the activations are, as the fused
 * layer norm keeps it: a plain array the kernel writes and reads, no ND4J array around it.
 */
record CpuRowStatistic(double[] values) implements Tensor {

  @Override
  public long[] shape() {
    return new long[] {values.length};
  }

  @Override
  public Tensor reshape(long... shape) {
    throw new UnsupportedOperationException("a row statistic keeps its shape");
  }

  @Override
  public Tensor slice(long offset, long... shape) {
    throw new UnsupportedOperationException("a row statistic is used whole");
  }
}
