package dev.emergent.trainer.compute;

import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.kernels.ArgMaxKernel;
import dev.emergent.trainer.kernels.BroadcastKernel;
import dev.emergent.trainer.kernels.CausalSoftmaxKernel;
import dev.emergent.trainer.kernels.CrossEntropyKernel;
import dev.emergent.trainer.kernels.DecodeAttentionKernel;
import dev.emergent.trainer.kernels.GeluKernel;
import dev.emergent.trainer.kernels.LayerNormKernel;
import dev.emergent.trainer.kernels.OneHotKernel;
import dev.emergent.trainer.kernels.Parallel;
import dev.emergent.trainer.kernels.SumKernel;
import dev.emergent.trainer.kernels.TableRowsKernel;
import dev.emergent.trainer.tensor.Blas;
import dev.emergent.trainer.tensor.Memory;
import dev.emergent.trainer.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend: tensors are ND4J arrays, GEMMs go to OpenBLAS on the arrays' own memory ({@link
 * Blas}), the elementwise and row passes are the fused kernels, and the loss uses ND4J's ops.
 */
final class CpuCompute implements Compute {
  private final DataType dataType;

  CpuCompute(DataType dataType) {
    this.dataType = dataType;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public Tensor zeros(long... shape) {
    return new CpuTensor(Nd4j.create(dataType, shape));
  }

  /**
   * Zeros in the memory of {@code current} when it holds enough: a layer's buffers change shape
   * each time decoding (B rows) and full passes (B·T rows) alternate, and a fresh native allocation
   * each time took about as long as the GEMMs of a decoding step.
   */
  @Override
  public Tensor ensure(Tensor current, long... shape) {
    if (current == null) {
      return zeros(shape);
    }
    if (Arrays.equals(current.shape(), shape)) {
      return current;
    }
    DataBuffer memory = a(current).data();
    long length = Tensor.lengthOf(shape);
    if (memory.length() < length || memory.dataType() != dataType) {
      return zeros(shape);
    }
    Pointer.memset(memory.addressPointer(), 0, length * memory.getElementSize());
    return new CpuTensor(Nd4j.create(memory, shape));
  }

  @Override
  public void upload(float[] values, Tensor to) {
    INDArray array = a(to);
    if (values.length != array.length()) {
      throw new IllegalArgumentException(
          values.length + " values for a tensor of " + array.length());
    }
    if (dataType != DataType.FLOAT) {
      array.assign(Nd4j.create(values, array.shape(), dataType));
    } else {
      Memory.of(array).asFloatBuffer().put(values);
    }
  }

  @Override
  public Tensor ensureRowStatistic(Tensor current, long rows) {
    return current != null && current.length() == rows
        ? current
        : new CpuRowStatistic(new double[(int) rows]);
  }

  @Override
  public Tensor fromHost(float[] values, long... shape) {
    if (values.length != Tensor.lengthOf(shape)) {
      throw new IllegalArgumentException(
          values.length + " values for shape " + Arrays.toString(shape));
    }
    // One bulk copy: ND4J's own float[] constructor and asFloat go element by element, which
    // showed as several percent of a decoding step.
    if (dataType != DataType.FLOAT) {
      return new CpuTensor(Nd4j.create(values, shape, dataType));
    }
    Tensor tensor = new CpuTensor(Nd4j.createUninitialized(dataType, shape));
    upload(values, tensor);
    return tensor;
  }

  @Override
  public Tensor fromHost(double[] values, long... shape) {
    return new CpuTensor(Nd4j.create(values, shape, dataType));
  }

  @Override
  public float[] toFloats(Tensor tensor) {
    INDArray array = a(tensor);
    if (array.dataType() != DataType.FLOAT) {
      return dense(tensor).data().asFloat();
    }
    if (array.ordering() != 'c' || !Shapes.isContiguous(array)) {
      array = array.dup('c');
    }
    float[] values = new float[(int) array.length()];
    Memory.of(array).asFloatBuffer().get(values);
    return values;
  }

  @Override
  public double[] toDoubles(Tensor tensor) {
    return dense(tensor).data().asDouble();
  }

  /** The array itself, or a copy when it is a view whose buffer holds more than its elements. */
  private static INDArray dense(Tensor tensor) {
    INDArray array = a(tensor);
    return array.isView() ? array.dup('c') : array;
  }

  @Override
  public void fill(Tensor tensor, double value) {
    a(tensor).assign(value);
  }

  @Override
  public void copy(Tensor from, Tensor to) {
    a(to).assign(a(from).reshape('c', to.shape()));
  }

  @Override
  public void scale(Tensor tensor, double factor) {
    a(tensor).muli(factor);
  }

  @Override
  public double sumOfSquares(Tensor tensor) {
    double norm = a(tensor).norm2Number().doubleValue();
    return norm * norm;
  }

  /** One part per kernel thread. */
  @Override
  public int parts() {
    return Parallel.THREADS;
  }

  /**
   * The tasks over the kernels' threads, each product on its calling thread: small batches spend
   * most of their time in per-call work on one thread (a decoding step of 64 sequences of the
   * quickstart's model is about a third GEMM), which parts of a batch run side by side.
   */
  @Override
  public <R> List<R> apart(int n, IntFunction<R> task) {
    AtomicReferenceArray<R> results = new AtomicReferenceArray<>(n);
    Blas.onCallingThreads(() -> Parallel.tasks(n, i -> results.set(i, task.apply(i))));
    List<R> ordered = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ordered.add(results.get(i));
    }
    return ordered;
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, Tensor a, Tensor b, Tensor c, double alpha, double beta) {
    Blas.gemm(transA, transB, a(a), a(b), a(c), alpha, beta);
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
    Blas.batched(transA, transB, count, m, n, k, blocks(a), blocks(b), blocks(c), alpha, beta);
  }

  private static Blas.Blocks blocks(Blocks blocks) {
    return new Blas.Blocks(
        a(blocks.tensor()),
        blocks.offset(),
        blocks.stride(),
        blocks.ld(),
        blocks.group(),
        blocks.groupStride());
  }

  @Override
  public void addColumnSums(Tensor m, Tensor target) {
    BroadcastKernel.addColumnSums(a(m), a(target));
  }

  @Override
  public void addRowToEach(Tensor row, Tensor target, double beta) {
    BroadcastKernel.addToEachRow(a(row), a(target), beta);
  }

  @Override
  public void sum(Tensor a, Tensor b, Tensor out) {
    SumKernel.sum(a(a), a(b), a(out));
  }

  @Override
  public void geluForward(Tensor x, Tensor y, Tensor t) {
    GeluKernel.forward(a(x), a(y), a(t));
  }

  @Override
  public void geluBackward(Tensor dy, Tensor x, Tensor t, Tensor dx) {
    GeluKernel.backward(a(dy), a(x), a(t), a(dx));
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
    LayerNormKernel.forward(
        a(x), a(gain), a(shift), epsilon, a(normalized), statistic(inverseStd), a(y));
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
    LayerNormKernel.backward(
        a(dy), a(normalized), statistic(inverseStd), a(gain), a(dx), a(gainGrad), a(shiftGrad));
  }

  @Override
  public void causalSoftmaxForward(Tensor scores, int time) {
    CausalSoftmaxKernel.forward(a(scores), time);
  }

  @Override
  public void causalSoftmaxBackward(Tensor dprobs, Tensor probs, int time) {
    CausalSoftmaxKernel.backward(a(dprobs), a(probs), time);
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
    AdamWKernel.update(step, a(values), a(grads), a(first), a(second), a(mask));
  }

  @Override
  public void gatherRows(Tensor table, int[] ids, Tensor out) {
    TableRowsKernel.gather(a(table), ids, a(out));
  }

  @Override
  public void addToRows(Tensor rows, int[] ids, Tensor table) {
    TableRowsKernel.addTo(a(rows), ids, a(table));
  }

  @Override
  public void oneHot(Tensor matrix, int[] ids) {
    INDArray array = a(matrix);
    array.assign(0);
    OneHotKernel.set(array, ids);
  }

  @Override
  public double softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor scale, Tensor probs) {
    return CrossEntropyKernel.forward(a(logits), a(targets), a(scale), a(probs));
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Tensor probs, Tensor targets, Tensor scale, Tensor dlogits) {
    CrossEntropyKernel.backward(a(probs), a(targets), a(scale), a(dlogits));
  }

  @Override
  public long[] argMaxOfRows(Tensor matrix) {
    return ArgMaxKernel.ofRows(a(matrix));
  }

  private static INDArray a(Tensor tensor) {
    return CpuTensor.array(tensor);
  }

  private static double[] statistic(Tensor tensor) {
    if (tensor instanceof CpuRowStatistic statistic) {
      return statistic.values();
    }
    throw new IllegalArgumentException("not a row statistic of the CPU backend: " + tensor);
  }
}
