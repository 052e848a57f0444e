package dev.emergent.trainer.compute;

import java.util.Arrays;

/** The sizes of C [m, n] = op(A) [m, k] · op(B) [k, n], checked against the operands' shapes. */
public record GemmShape(int m, int n, int k) {

  public static GemmShape of(boolean transA, boolean transB, long[] a, long[] b, long[] c) {
    long m = c[0];
    long n = c[1];
    long rowsA = transA ? a[1] : a[0];
    long k = transA ? a[0] : a[1];
    long rowsB = transB ? b[1] : b[0];
    long colsB = transB ? b[0] : b[1];
    if (rowsA != m || rowsB != k || colsB != n) {
      throw new IllegalArgumentException(
          "gemm shapes do not match: "
              + Arrays.toString(a)
              + (transA ? "ᵀ" : "")
              + " × "
              + Arrays.toString(b)
              + (transB ? "ᵀ" : "")
              + " -> "
              + Arrays.toString(c));
    }
    return new GemmShape((int) m, (int) n, (int) k);
  }
}
