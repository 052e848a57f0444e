package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Row-major GEMMs on cuBLAS, which is column-major: a row-major [r, c] matrix is the column-major
 * [c, r] one with the same memory, so C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ with the
 * operands swapped and no copy.
 */
final class Cublas implements AutoCloseable {
  private static final int OP_N = 0;
  private static final int OP_T = 1;
  private static final int R_32F = 0;
  private static final int R_16BF = 14;
  private static final int COMPUTE_32F = 68;
  private static final int GEMM_DEFAULT = -1;

  private final MethodHandle destroy;
  private final MethodHandle sgemm;
  private final MethodHandle gemmEx;
  private final MethodHandle sgemmBatched;
  private final MemorySegment handle;
  private final Arena scalars = Arena.ofShared();
  private final MemorySegment alphaBeta = scalars.allocate(JAVA_FLOAT, 2);

  Cublas(NativeLibrary library) {
    MethodHandle create =
        library.function("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    destroy = library.function("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    sgemm =
        library.function(
            "cublasSgemm_v2",
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    gemmEx =
        library.function(
            "cublasGemmEx",
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    sgemmBatched =
        library.function(
            "cublasSgemmStridedBatched",
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_INT));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(ADDRESS);
      Calls.check(create, "cublasCreate", Cublas::describe, out);
      handle = out.get(ADDRESS, 0);
    }
  }

  /** A row-major GEMM's shape: C [m, n] = op(A) [m, k] · op(B) [k, n]. */
  record Shape(boolean transposeA, boolean transposeB, int m, int n, int k) {
    int leadingA() {
      return transposeA ? m : k;
    }

    int leadingB() {
      return transposeB ? k : n;
    }
  }

  /** C = alpha·op(A)·op(B) + beta·C, fp32. */
  void gemm(Shape s, MemorySegment a, MemorySegment b, MemorySegment c, float alpha, float beta) {
    Calls.check(
        sgemm,
        "cublasSgemm",
        Cublas::describe,
        handle,
        op(s.transposeB()),
        op(s.transposeA()),
        s.n(),
        s.m(),
        s.k(),
        scalars(alpha, beta),
        b,
        s.leadingB(),
        a,
        s.leadingA(),
        alphaBeta.asSlice(4),
        c,
        s.n());
  }

  /** The same with bf16 operands, fp32 accumulation and an fp32 C. */
  void gemmBf16(
      Shape s, MemorySegment a, MemorySegment b, MemorySegment c, float alpha, float beta) {
    Calls.check(
        gemmEx,
        "cublasGemmEx",
        Cublas::describe,
        handle,
        op(s.transposeB()),
        op(s.transposeA()),
        s.n(),
        s.m(),
        s.k(),
        scalars(alpha, beta),
        b,
        R_16BF,
        s.leadingB(),
        a,
        R_16BF,
        s.leadingA(),
        alphaBeta.asSlice(4),
        c,
        R_32F,
        s.n(),
        COMPUTE_32F,
        GEMM_DEFAULT);
  }

  /** {@code batch} fp32 GEMMs of one shape over matrices laid out one after another. */
  void gemmBatched(
      Shape s,
      int batch,
      MemorySegment a,
      MemorySegment b,
      MemorySegment c,
      float alpha,
      float beta) {
    gemmStrided(
        s,
        batch,
        new Strided(a, s.leadingA(), (long) s.m() * s.k()),
        new Strided(b, s.leadingB(), (long) s.k() * s.n()),
        new Strided(c, s.n(), (long) s.m() * s.n()),
        alpha,
        beta);
  }

  /** Where a batch's row-major matrices lie: the first at {@code pointer}, rows ld apart. */
  record Strided(MemorySegment pointer, int ld, long stride) {}

  /** {@code batch} fp32 GEMMs C_i = alpha·op(A_i)·op(B_i) + beta·C_i of matrices anywhere. */
  void gemmStrided(Shape s, int batch, Strided a, Strided b, Strided c, float alpha, float beta) {
    Calls.check(
        sgemmBatched,
        "cublasSgemmStridedBatched",
        Cublas::describe,
        handle,
        op(s.transposeB()),
        op(s.transposeA()),
        s.n(),
        s.m(),
        s.k(),
        scalars(alpha, beta),
        b.pointer(),
        b.ld(),
        b.stride(),
        a.pointer(),
        a.ld(),
        a.stride(),
        alphaBeta.asSlice(4),
        c.pointer(),
        c.ld(),
        c.stride(),
        batch);
  }

  @Override
  public void close() {
    Calls.check(destroy, "cublasDestroy", Cublas::describe, handle);
    scalars.close();
  }

  /** alpha and beta live in host memory (cuBLAS's default pointer mode). */
  private MemorySegment scalars(float alpha, float beta) {
    alphaBeta.set(JAVA_FLOAT, 0, alpha);
    alphaBeta.set(JAVA_FLOAT, 4, beta);
    return alphaBeta;
  }

  private static int op(boolean transpose) {
    return transpose ? OP_T : OP_N;
  }

  private static String describe(int status) {
    return switch (status) {
      case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
      case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
      case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
      case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
      case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
      case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
      case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
      default -> "cublasStatus_t " + status;
    };
  }
}
