package dev.emergent.trainer.tensor;

import java.util.Map;

/**
 * How many threads a trainer computes with: {@code OMP_NUM_THREADS} (which the operator and the
 * local runner set to one rank's share of the CPUs), else every processor. The BLAS and the fused
 * kernels both use this count.
 */
public final class ComputeThreads {
  private ComputeThreads() {}

  public static int of(Map<String, String> env) {
    return Math.max(
        1,
        Integer.parseInt(
            env.getOrDefault(
                "OMP_NUM_THREADS", Integer.toString(Runtime.getRuntime().availableProcessors()))));
  }
}
