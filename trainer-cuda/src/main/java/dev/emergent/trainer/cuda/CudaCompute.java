package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.GemmShape;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.kernels.DecodeAttentionKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The model's operations on a GPU, fp32: tensors in device memory, GEMMs on cuBLAS, the rest in the
 * kernels of kernels.cu. Launches go to the default stream in order; only reading a value back (a
 * loss, a norm, logits) waits for the device. Decoding's attention runs on the host, as on the CPU
 * backend, because the KV cache is host arrays.
 */
final class CudaCompute implements Compute {
  private final CudaRuntime runtime;
  private final Cublas cublas;
  private final CudaKernels kernels;
  private CudaTensor ones; // a run of ones, for sums and broadcasts as GEMMs with a ones vector
  private CudaTensor rowScratch; // per-row results read back: losses, argmax columns, ids
  private CudaTensor blockScratch; // per-block partial sums
  private Tensor lookup; // one-hot rows of the ids of the last embedding lookup

  CudaCompute(CudaRuntime runtime, Cublas cublas, CudaKernels kernels) {
    this.runtime = runtime;
    this.cublas = cublas;
    this.kernels = kernels;
  }

  @Override
  public DataType dataType() {
    return DataType.FLOAT;
  }

  @Override
  public Tensor zeros(long... shape) {
    return allocate(shape);
  }

  private CudaTensor allocate(long... shape) {
    return CudaTensor.zeros(runtime, shape);
  }

  @Override
  public Tensor ensureRowStatistic(Tensor current, long rows) {
    return ensure(current, rows);
  }

  @Override
  public Tensor fromHost(float[] values, long... shape) {
    CudaTensor tensor = allocate(shape);
    upload(values, tensor);
    return tensor;
  }

  @Override
  public Tensor fromHost(double[] values, long... shape) {
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return fromHost(floats, shape);
  }

  @Override
  public float[] toFloats(Tensor tensor) {
    CudaTensor t = cuda(tensor);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment host = arena.allocate(JAVA_FLOAT, t.length());
      runtime.toHost(host, t.pointer(), t.length() * Float.BYTES);
      return host.toArray(JAVA_FLOAT);
    }
  }

  @Override
  public double[] toDoubles(Tensor tensor) {
    float[] floats = toFloats(tensor);
    double[] values = new double[floats.length];
    for (int i = 0; i < floats.length; i++) {
      values[i] = floats[i];
    }
    return values;
  }

  @Override
  public void fill(Tensor tensor, double value) {
    kernels.fill(cuda(tensor), (float) value, tensor.length());
  }

  @Override
  public void copy(Tensor from, Tensor to) {
    requireSameLength(from, to);
    runtime.onDevice(cuda(to).pointer(), cuda(from).pointer(), to.length() * Float.BYTES);
  }

  @Override
  public void scale(Tensor tensor, double factor) {
    kernels.scale(cuda(tensor), (float) factor, tensor.length());
  }

  @Override
  public double sumOfSquares(Tensor tensor) {
    int blocks = (int) Math.min(1024, CudaKernels.blocks(tensor.length()));
    blockScratch = scratch(blockScratch, blocks);
    kernels.sumOfSquares(cuda(tensor), blockScratch, tensor.length(), blocks);
    return sumOnHost(blockScratch, blocks);
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, Tensor a, Tensor b, Tensor c, double alpha, double beta) {
    GemmShape shape = GemmShape.of(transA, transB, a.shape(), b.shape(), c.shape());
    cublas.gemm(
        new Cublas.Shape(transA, transB, shape.m(), shape.n(), shape.k()),
        cuda(a).pointer(),
        cuda(b).pointer(),
        cuda(c).pointer(),
        (float) alpha,
        (float) beta);
  }

  @Override
  public void batched(
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
    int group = Math.min(count, Math.min(a.group(), Math.min(b.group(), c.group())));
    for (Blocks blocks : new Blocks[] {a, b, c}) {
      if (blocks.group() < count && blocks.group() % group != 0) {
        throw new IllegalArgumentException(
            "blocks in groups of " + blocks.group() + " and of " + group + " in one product");
      }
    }
    for (int first = 0; first < count; first += group) {
      cublas.gemmStrided(
          new Cublas.Shape(transA, transB, m, n, k),
          Math.min(group, count - first),
          strided(a, first),
          strided(b, first),
          strided(c, first),
          (float) alpha,
          (float) beta);
    }
  }

  /** Blocks first, first + 1, … of a group, evenly spaced as cuBLAS's strided batch needs. */
  private static Cublas.Strided strided(Blocks blocks, int first) {
    MemorySegment base = cuda(blocks.tensor()).pointer();
    return new Cublas.Strided(
        MemorySegment.ofAddress(base.address() + blocks.start(first) * Float.BYTES),
        blocks.ld(),
        blocks.stride());
  }

  @Override
  public void addColumnSums(Tensor m, Tensor target) {
    int rows = (int) m.size(0);
    int columns = (int) m.size(1);
    cublas.gemm(
        new Cublas.Shape(false, false, 1, columns, rows),
        ones(rows).pointer(),
        cuda(m).pointer(),
        cuda(target).pointer(),
        1,
        1);
  }

  @Override
  public void addRowToEach(Tensor row, Tensor target, double beta) {
    int rows = (int) target.size(0);
    int columns = (int) target.size(1);
    cublas.gemm(
        new Cublas.Shape(false, false, rows, columns, 1),
        ones(rows).pointer(),
        cuda(row).pointer(),
        cuda(target).pointer(),
        1,
        (float) beta);
  }

  @Override
  public void sum(Tensor a, Tensor b, Tensor out) {
    kernels.add(cuda(a), cuda(b), cuda(out), out.length());
  }

  @Override
  public void geluForward(Tensor x, Tensor y, Tensor t) {
    kernels.geluForward(cuda(x), cuda(y), cuda(t), x.length());
  }

  @Override
  public void geluBackward(Tensor dy, Tensor x, Tensor t, Tensor dx) {
    kernels.geluBackward(cuda(dy), cuda(x), cuda(t), cuda(dx), x.length());
  }

  @Override
  public void layerNormForward(
      Tensor x,
      Tensor gain,
      Tensor shift,
      double epsilon,
      Tensor normalized,
      Tensor inverseStd,
      Tensor y) {
    kernels.layerNormForward(
        cuda(x),
        cuda(gain),
        cuda(shift),
        (float) epsilon,
        cuda(normalized),
        cuda(inverseStd),
        cuda(y),
        (int) x.size(0),
        (int) x.size(1));
  }

  @Override
  public void layerNormBackward(
      Tensor dy,
      Tensor normalized,
      Tensor inverseStd,
      Tensor gain,
      Tensor dx,
      Tensor gainGrad,
      Tensor shiftGrad) {
    kernels.layerNormBackward(
        cuda(dy),
        cuda(normalized),
        cuda(inverseStd),
        cuda(gain),
        cuda(dx),
        cuda(gainGrad),
        cuda(shiftGrad),
        (int) dy.size(0),
        (int) dy.size(1));
  }

  @Override
  public void causalSoftmaxForward(Tensor scores, int time) {
    kernels.causalSoftmaxForward(cuda(scores), (int) (scores.length() / time), time);
  }

  @Override
  public void causalSoftmaxBackward(Tensor dprobs, Tensor probs, int time) {
    kernels.causalSoftmaxBackward(cuda(dprobs), cuda(probs), (int) (probs.length() / time), time);
  }

  @Override
  public void decodeAttention(
      DecodeAttentionKernel.Shape shape,
      float[] packed,
      float[] keys,
      float[] values,
      float[] out) {
    DecodeAttentionKernel.attend(shape, packed, keys, values, out);
  }

  @Override
  public void adamW(
      AdamWKernel.Step step,
      Tensor values,
      Tensor grads,
      Tensor first,
      Tensor second,
      Tensor mask) {
    float[] scalars = {
      (float) step.learningRate(),
      (float) step.weightDecay(),
      (float) step.beta1(),
      (float) step.beta2(),
      (float) step.epsilon(),
      (float) step.correction1(),
      (float) step.correction2()
    };
    kernels.adamW(
        scalars, cuda(values), cuda(grads), cuda(first), cuda(second), cuda(mask), values.length());
  }

  @Override
  public void gatherRows(Tensor table, int[] ids, Tensor out) {
    gemm(false, false, lookup(ids, table.size(0)), table, out, 1, 0);
  }

  @Override
  public void addToRows(Tensor rows, int[] ids, Tensor table) {
    gemm(true, false, lookup(ids, table.size(0)), rows, table, 1, 1);
  }

  /**
   * The ids as one-hot rows [N, V]: on the GPU a lookup is a product with them, which cuBLAS runs
   * in a fraction of the step and which needs no gather kernel of its own.
   */
  private Tensor lookup(int[] ids, long vocab) {
    lookup = ensure(lookup, ids.length, vocab);
    oneHot(lookup, ids);
    return lookup;
  }

  @Override
  public void oneHot(Tensor matrix, int[] ids) {
    CudaTensor m = cuda(matrix);
    runtime.zero(m.pointer(), m.length() * Float.BYTES);
    rowScratch = scratch(rowScratch, ids.length);
    try (Arena arena = Arena.ofConfined()) {
      runtime.toDevice(
          rowScratch.pointer(),
          arena.allocateFrom(JAVA_INT, ids),
          (long) ids.length * Integer.BYTES);
    }
    kernels.oneHot(m, rowScratch, ids.length, (int) matrix.size(1));
  }

  @Override
  public double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor scale, Tensor probs) {
    int rows = (int) logits.size(0);
    rowScratch = scratch(rowScratch, rows);
    kernels.softmaxCrossEntropy(
        cuda(logits),
        cuda(targets),
        cuda(scale),
        cuda(probs),
        rowScratch,
        rows,
        (int) logits.size(1));
    return sumOnHost(rowScratch, rows);
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Tensor probs, Tensor targets, Tensor scale, Tensor dlogits) {
    kernels.softmaxCrossEntropyBackward(
        cuda(probs),
        cuda(targets),
        cuda(scale),
        cuda(dlogits),
        (int) probs.size(1),
        probs.length());
  }

  @Override
  public long[] argMaxOfRows(Tensor matrix) {
    int rows = (int) matrix.size(0);
    rowScratch = scratch(rowScratch, rows);
    kernels.argmaxRows(cuda(matrix), rowScratch, rows, (int) matrix.size(1));
    float[] columns = toFloats(rowScratch.slice(0, rows));
    long[] out = new long[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = (long) columns[i];
    }
    return out;
  }

  /** The first {@code n} floats of a scratch tensor, added up in double on the host. */
  private double sumOnHost(CudaTensor scratch, int n) {
    double sum = 0;
    for (float value : toFloats(scratch.slice(0, n))) {
      sum += value;
    }
    return sum;
  }

  /** The first {@code n} of a run of ones, grown when a longer one is needed. */
  private CudaTensor ones(int n) {
    if (ones == null || ones.length() < n) {
      ones = allocate(Math.max(n, 1024));
      kernels.fill(ones, 1, ones.length());
    }
    return (CudaTensor) ones.slice(0, n);
  }

  private CudaTensor scratch(CudaTensor current, long n) {
    return current != null && current.length() >= n ? current : allocate(Math.max(n, 1024));
  }

  @Override
  public void upload(float[] values, Tensor to) {
    CudaTensor tensor = cuda(to);
    requireSameLength(values.length, tensor);
    try (Arena arena = Arena.ofConfined()) {
      runtime.toDevice(
          tensor.pointer(), arena.allocateFrom(JAVA_FLOAT, values), tensor.length() * Float.BYTES);
    }
  }

  private static void requireSameLength(Tensor from, Tensor to) {
    requireSameLength(from.length(), to);
  }

  private static void requireSameLength(long length, Tensor to) {
    if (length != to.length()) {
      throw new IllegalArgumentException(length + " elements do not fit " + to);
    }
  }

  private static CudaTensor cuda(Tensor tensor) {
    if (tensor instanceof CudaTensor cuda) {
      return cuda;
    }
    throw new IllegalArgumentException(tensor + " is not a tensor of the CUDA backend");
  }
}
