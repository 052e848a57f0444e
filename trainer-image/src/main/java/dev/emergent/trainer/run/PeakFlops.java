package dev.emergent.trainer.run;

import dev.emergent.trainer.tensor.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's fp32 GEMM rate with the threads this process has: the denominator of MFU. A
 * measured peak, since the nominal peak of a shared or throttled CPU says little.
 */
public final class PeakFlops {
  private static final int SIZE = 512;

  private PeakFlops() {}

  public static double measure() {
    INDArray a = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
    INDArray b = Nd4j.rand(DataType.FLOAT, SIZE, SIZE);
    INDArray c = Nd4j.create(DataType.FLOAT, SIZE, SIZE);
    double best = 0;
    for (int round = 0; round < 5; round++) {
      long start = System.nanoTime();
      int reps = 4;
      for (int i = 0; i < reps; i++) {
        Blas.gemm(false, false, a, b, c, 1, 0);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      best = Math.max(best, reps * 2.0 * SIZE * SIZE * SIZE / seconds);
    }
    return best;
  }
}
