package dev.emergent.trainer.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * out = a + b in one pass: the residual connections, which as ND4J's assign then add are two passes
 * and two op calls (the calls, not the bytes, dominate at the row counts of decoding).
 */
public final class SumKernel {
  private SumKernel() {}

  /** out = a + b, all of one length; out may be a or b. */
  public static void sum(INDArray a, INDArray b, INDArray out) {
    int n = (int) out.length();
    int done = Vectorized.applies(a, b, out) ? SumVector.sum(a, b, out, n) : 0;
    sum(Values.of(a), Values.of(b), Values.of(out), done, n);
  }

  static void sum(Values a, Values b, Values out, int from, int to) {
    for (int i = from; i < to; i++) {
      out.set(i, a.get(i) + b.get(i));
    }
  }
}
