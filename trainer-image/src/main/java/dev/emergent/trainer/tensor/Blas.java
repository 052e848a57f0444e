package dev.emergent.trainer.tensor;

import dev.emergent.trainer.compute.GemmShape;
import dev.emergent.trainer.kernels.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products through cblas on the arrays' own memory. ND4J's {@code mmul} reaches a fraction
 * of what the BLAS reaches when called directly on the same buffers (see docs/performance.md), so
 * every GEMM of the trainer goes through here. Arrays must be row-major and contiguous.
 */
public final class Blas {
  /**
   * OpenBLAS runs a product of at most this m·n·k on its calling thread alone: 65536 times its
   * default GEMM_MULTITHREAD_THRESHOLD of 4.
   */
  private static final long SINGLE_THREADED = 262_144;

  private static int callingThreadsUsers;
  private static int threadsBefore;

  private Blas() {}

  /** {@code c = alpha · op(a) · op(b) + beta · c} for 2-D arrays. */
  public static void gemm(
      boolean transA,
      boolean transB,
      INDArray a,
      INDArray b,
      INDArray c,
      double alpha,
      double beta) {
    GemmShape shape = GemmShape.of(transA, transB, a.shape(), b.shape(), c.shape());
    single(transA, transB, shape.m(), shape.n(), shape.k(), a, b, c, alpha, beta);
  }

  /**
   * Where the blocks of a batched product lie in an array's memory: block i = g·group + j starts at
   * element {@code offset + g·groupStride + j·stride} and its rows are {@code ld} elements apart,
   * so a head's columns of a wider matrix are a block without being copied out.
   */
  public record Blocks(
      INDArray array, long offset, long stride, int ld, int group, long groupStride) {
    /** Blocks evenly spaced: block i starts at {@code offset + i·stride}. */
    public Blocks(INDArray array, long offset, long stride, int ld) {
      this(array, offset, stride, ld, Integer.MAX_VALUE, 0);
    }

    long start(int i) {
      return offset + (long) (i / group) * groupStride + (long) (i % group) * stride;
    }
  }

  /**
   * {@code count} products {@code c_i = alpha · op(a_i) · op(b_i) + beta · c_i} of row-major
   * blocks. One call per block: for the small blocks of attention the BLAS call costs less than any
   * batching copy would. OpenBLAS runs a product this small on its calling thread alone, so the
   * blocks are split over the kernels' threads here instead (a batch of attention heads of the
   * small benchmark model: 1.6 times as fast).
   */
  public static void batched(
      boolean transA,
      boolean transB,
      int count,
      int m,
      int n,
      int k,
      Blocks a,
      Blocks b,
      Blocks c,
      double alpha,
      double beta) {
    requireInside("a", a, count, transA ? k : m, transA ? m : k);
    requireInside("b", b, count, transB ? n : k, transB ? k : n);
    requireInside("c", c, count, m, n);
    int ta = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
    int tb = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
    Parallel.Range products;
    if (c.array().dataType() == DataType.FLOAT) {
      products =
          (from, to) -> {
            FloatPointer pa = new FloatPointer(address(a.array()));
            FloatPointer pb = new FloatPointer(address(b.array()));
            FloatPointer pc = new FloatPointer(address(c.array()));
            long baseA = pa.position();
            long baseB = pb.position();
            long baseC = pc.position();
            for (int i = from; i < to; i++) {
              openblas.cblas_sgemm(
                  openblas.CblasRowMajor,
                  ta,
                  tb,
                  m,
                  n,
                  k,
                  (float) alpha,
                  pa.position(baseA + a.start(i)),
                  a.ld(),
                  pb.position(baseB + b.start(i)),
                  b.ld(),
                  (float) beta,
                  pc.position(baseC + c.start(i)),
                  c.ld());
            }
          };
    } else if (c.array().dataType() == DataType.DOUBLE) {
      products =
          (from, to) -> {
            DoublePointer pa = new DoublePointer(address(a.array()));
            DoublePointer pb = new DoublePointer(address(b.array()));
            DoublePointer pc = new DoublePointer(address(c.array()));
            long baseA = pa.position();
            long baseB = pb.position();
            long baseC = pc.position();
            for (int i = from; i < to; i++) {
              openblas.cblas_dgemm(
                  openblas.CblasRowMajor,
                  ta,
                  tb,
                  m,
                  n,
                  k,
                  alpha,
                  pa.position(baseA + a.start(i)),
                  a.ld(),
                  pb.position(baseB + b.start(i)),
                  b.ld(),
                  beta,
                  pc.position(baseC + c.start(i)),
                  c.ld());
            }
          };
    } else {
      throw new IllegalArgumentException(
          "gemm supports FLOAT and DOUBLE, not " + c.array().dataType());
    }
    if (count > 1 && (long) m * n * k <= SINGLE_THREADED) {
      Parallel.split(count, 1, (long) count * m * n, products);
    } else {
      products.run(0, count);
    }
  }

  /**
   * Runs work with every product on its calling thread: for callers that keep all threads busy
   * themselves, on whom the BLAS's own threads would only wait or crowd. The BLAS's thread count is
   * one setting for the process, so it is restored when the last of such callers leaves.
   */
  public static void onCallingThreads(Runnable work) {
    enterCallingThreads();
    try {
      work.run();
    } finally {
      leaveCallingThreads();
    }
  }

  private static synchronized void enterCallingThreads() {
    if (callingThreadsUsers++ == 0) {
      threadsBefore = openblas.blas_get_num_threads();
      openblas.blas_set_num_threads(1);
    }
  }

  private static synchronized void leaveCallingThreads() {
    if (--callingThreadsUsers == 0) {
      openblas.blas_set_num_threads(threadsBefore);
    }
  }

  /** One product of whole, dense row-major matrices. */
  private static void single(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      INDArray a,
      INDArray b,
      INDArray c,
      double alpha,
      double beta) {
    batched(
        transA,
        transB,
        1,
        m,
        n,
        k,
        new Blocks(a, 0, 0, transA ? m : k),
        new Blocks(b, 0, 0, transB ? k : n),
        new Blocks(c, 0, 0, n),
        alpha,
        beta);
  }

  /** Address of the array's first element: ND4J gives a view its own buffer starting there. */
  static Pointer address(INDArray array) {
    return array.data().addressPointer();
  }

  /**
   * The BLAS writes and reads raw memory: a block that reaches past its array would corrupt the
   * native heap silently, so every product is checked against its arrays' lengths first.
   */
  private static void requireInside(String name, Blocks blocks, int count, int rows, int cols) {
    Shapes.requireContiguous(blocks.array(), "gemm");
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      first = Math.min(first, blocks.start(i));
      last = Math.max(last, blocks.start(i) + (rows - 1L) * blocks.ld() + cols - 1);
    }
    if (first < 0 || cols > blocks.ld() || last >= blocks.array().length()) {
      throw new IllegalArgumentException(
          "gemm "
              + name
              + ": "
              + count
              + " blocks of "
              + rows
              + "×"
              + cols
              + " at offset "
              + blocks.offset()
              + ", stride "
              + blocks.stride()
              + " in groups of "
              + blocks.group()
              + " with stride "
              + blocks.groupStride()
              + ", ld "
              + blocks.ld()
              + " do not fit an array of "
              + blocks.array().length());
    }
  }
}
