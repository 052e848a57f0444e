package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float kernels on the Vector API against the scalar references that the gradient checks cover,
 * on sizes that leave tails after the last full vector.
 */
class VectorKernelsTest {
  private static final double TOLERANCE = 2e-5;

  @BeforeAll
  static void vectorApiIsThere() {
    assertThat(Vectorized.AVAILABLE)
        .as("the tests' JVM runs with --add-modules jdk.incubator.vector, as the trainer's do")
        .isTrue();
  }

  private static INDArray random(long seed, double scale, long... shape) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.FLOAT, shape).muli(scale);
  }

  /** Runs {@code vector} on the arrays and {@code reference} on copies; compares every array. */
  private static void agree(
      Consumer<INDArray[]> vector, Consumer<INDArray[]> reference, INDArray... arrays) {
    INDArray[] copies = new INDArray[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      copies[i] = arrays[i].dup();
    }
    vector.accept(arrays);
    reference.accept(copies);
    for (int i = 0; i < arrays.length; i++) {
      double scale = Math.max(1, copies[i].amaxNumber().doubleValue());
      double difference = arrays[i].sub(copies[i]).amaxNumber().doubleValue();
      assertThat(difference).as("array %d", i).isLessThan(TOLERANCE * scale);
    }
  }

  @Test
  void gelu() {
    int n = 1024 * 64 + 5;
    agree(
        a -> GeluKernel.forward(a[0], a[1], a[2]),
        a -> GeluKernel.forward(Values.of(a[0]), Values.of(a[1]), Values.of(a[2]), 0, n),
        random(1, 4, n),
        Nd4j.create(DataType.FLOAT, n),
        Nd4j.create(DataType.FLOAT, n));
    INDArray x = random(2, 4, n);
    INDArray t = Nd4j.create(DataType.FLOAT, n);
    GeluKernel.forward(x, Nd4j.create(DataType.FLOAT, n), t);
    agree(
        a -> GeluKernel.backward(a[0], a[1], a[2], a[3]),
        a ->
            GeluKernel.backward(
                Values.of(a[0]), Values.of(a[1]), Values.of(a[2]), Values.of(a[3]), 0, n),
        random(3, 1, n),
        x,
        t,
        Nd4j.create(DataType.FLOAT, n));
  }

  @Test
  void gelu_saturates_without_overflow() {
    INDArray x = Nd4j.create(new float[] {-200, -30, 30, 200}, 4);
    INDArray padded = Nd4j.concat(0, x, Nd4j.zeros(DataType.FLOAT, 60));
    INDArray y = Nd4j.create(DataType.FLOAT, 64);
    GeluKernel.forward(padded, y, Nd4j.create(DataType.FLOAT, 64));
    assertThat(y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)).toFloatVector())
        .containsExactly(-0f, -0f, 30f, 200f);
  }

  @Test
  void sum() {
    int n = 2048 * 16 + 11;
    INDArray a = random(20, 1, n);
    agree(
        x -> SumKernel.sum(a, x[0], x[1]),
        x -> SumKernel.sum(Values.of(a), Values.of(x[0]), Values.of(x[1]), 0, n),
        random(21, 1, n),
        Nd4j.create(DataType.FLOAT, n));
  }

  @Test
  void decode_attention() {
    decodeAttention(new DecodeAttentionKernel.Shape(3, 2, 16 + 5, 9, 6));
  }

  /** A decoding step of the quickstart's rollouts: enough work to split over threads. */
  @Test
  void decode_attention_of_a_batch() {
    decodeAttention(new DecodeAttentionKernel.Shape(64, 4, 32, 28, 20));
  }

  private static void decodeAttention(DecodeAttentionKernel.Shape shape) {
    int width = shape.width();
    int rows = shape.rows();
    float[] packed = random(22, 1, 3L * rows * width).toFloatVector();
    float[] keys = random(23, 1, (long) rows * shape.cachePositions() * width).toFloatVector();
    float[] values = random(24, 1, (long) rows * shape.cachePositions() * width).toFloatVector();
    float[] vector = new float[rows * width];
    float[] reference = new float[rows * width];

    DecodeAttentionKernel.attend(shape, packed, keys, values, vector);
    DecodeAttentionKernel.attendScalar(shape, packed, keys, values, reference);

    assertThat(vector).containsExactly(reference, org.assertj.core.data.Offset.offset(2e-5f));
    assertThat(vector[0]).isNotZero();
    assertThat(vector[vector.length - 1]).isNotZero();
  }

  @Test
  void causal_softmax() {
    int time = 37;
    int rows = 40 * time;
    agree(
        a -> CausalSoftmaxKernel.forward(a[0], time),
        a -> CausalSoftmaxKernel.forward(Values.of(a[0]), 0, rows, time),
        random(4, 3, rows, time));
    INDArray probs = random(5, 3, rows, time);
    CausalSoftmaxKernel.forward(probs, time);
    assertThat(probs.getFloat(time + 1, 2)).isZero();
    assertThat(probs.getRow(time + 1).sumNumber().doubleValue()).isCloseTo(1, within(1e-6));
    agree(
        a -> CausalSoftmaxKernel.backward(a[0], a[1], time),
        a -> CausalSoftmaxKernel.backward(Values.of(a[0]), Values.of(a[1]), 0, rows, time),
        random(6, 1, rows, time),
        probs);
  }

  @Test
  void cross_entropy() {
    int rows = 700;
    int width = 5 * 16 + 7;
    INDArray targets = Nd4j.create(DataType.FLOAT, rows, width);
    for (int r = 0; r < rows; r++) {
      targets.putScalar(r, (r * 31L) % width, 1);
    }
    INDArray scale = random(30, 1, rows, 1);
    INDArray logits = random(31, 5, rows, width);
    double[] losses = new double[2];
    agree(
        a -> losses[0] = CrossEntropyKernel.forward(logits, targets, scale, a[0]),
        a ->
            losses[1] =
                reference(
                    l ->
                        CrossEntropyKernel.forward(
                            Values.of(logits),
                            Values.of(targets),
                            Values.of(scale),
                            Values.of(a[0]),
                            l,
                            0,
                            rows,
                            width),
                    rows),
        Nd4j.create(DataType.FLOAT, rows, width));
    assertThat(losses[0]).isCloseTo(losses[1], within(1e-5 * Math.abs(losses[1])));
    INDArray probs = Nd4j.create(DataType.FLOAT, rows, width);
    CrossEntropyKernel.forward(logits, targets, scale, probs);
    assertThat(probs.getRow(3).sumNumber().doubleValue()).isCloseTo(1, within(1e-6));
    agree(
        a -> CrossEntropyKernel.backward(probs, targets, scale, a[0]),
        a ->
            CrossEntropyKernel.backward(
                Values.of(probs),
                Values.of(targets),
                Values.of(scale),
                Values.of(a[0]),
                0,
                rows,
                width),
        Nd4j.create(DataType.FLOAT, rows, width));
  }

  @Test
  void table_rows() {
    int vocab = 11;
    int width = 2 * 16 + 5;
    int[] ids = {3, 0, 3, 10, 7, 3};
    INDArray table = random(32, 1, vocab, width);
    INDArray rows = Nd4j.create(DataType.FLOAT, ids.length, width);
    TableRowsKernel.gather(table, ids, rows);
    assertThat(rows.getRow(2).toFloatVector()).containsExactly(table.getRow(3).toFloatVector());
    assertThat(rows.getRow(3).toFloatVector()).containsExactly(table.getRow(10).toFloatVector());
    INDArray added = random(33, 1, ids.length, width);
    agree(
        a -> TableRowsKernel.addTo(added, ids, a[0]),
        a -> TableRowsKernel.addTo(Values.of(added), ids, Values.of(a[0]), width),
        random(34, 1, vocab, width));
    assertThatThrownBy(() -> TableRowsKernel.gather(table, new int[] {vocab}, rows.getRow(0, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token id 11 is outside a vocabulary of 11");
  }

  @Test
  void broadcast_row_and_column_sums() {
    int rows = 300;
    int cols = 9 * 16 + 3;
    INDArray row = random(35, 1, cols);
    for (double beta : new double[] {0, 1}) {
      agree(
          a -> BroadcastKernel.addToEachRow(row, a[0], beta),
          a ->
              BroadcastKernel.addToEachRow(
                  Values.of(row), Values.of(a[0]), beta, rows, cols, 0, cols),
          random(36, 1, rows, cols));
    }
    INDArray m = random(37, 1, rows, cols);
    agree(
        a -> BroadcastKernel.addColumnSums(m, a[0]),
        a -> BroadcastKernel.addColumnSums(Values.of(m), Values.of(a[0]), rows, cols, 0, cols),
        random(38, 1, cols));
    INDArray sums = Nd4j.create(DataType.FLOAT, cols);
    BroadcastKernel.addColumnSums(m, sums);
    assertThat(sums.getDouble(cols - 1))
        .isCloseTo(m.getColumn(cols - 1).sumNumber().doubleValue(), within(1e-4));
  }

  /** The sum of the per-row losses a scalar reference writes, added in row order. */
  private static double reference(Consumer<double[]> kernel, int rows) {
    double[] losses = new double[rows];
    kernel.accept(losses);
    return java.util.Arrays.stream(losses).sum();
  }

  @Test
  void layer_norm() {
    int rows = 1500;
    int dim = 2 * 16 + 3;
    INDArray gain = random(7, 1, dim);
    INDArray shift = random(8, 1, dim);
    double[] vectorStd = new double[rows];
    double[] referenceStd = new double[rows];
    agree(
        a -> LayerNormKernel.forward(a[0], gain, shift, 1e-5, a[1], vectorStd, a[2]),
        a ->
            LayerNormKernel.forward(
                Values.of(a[0]),
                Values.of(gain),
                Values.of(shift),
                1e-5,
                Values.of(a[1]),
                referenceStd,
                Values.of(a[2]),
                0,
                rows,
                dim),
        random(9, 2, rows, dim).addi(1),
        Nd4j.create(DataType.FLOAT, rows, dim),
        Nd4j.create(DataType.FLOAT, rows, dim));
    assertThat(vectorStd).containsExactly(referenceStd, within(1e-5));
    INDArray normalized = random(10, 1, rows, dim);
    agree(
        a -> LayerNormKernel.backward(a[0], normalized, vectorStd, gain, a[1], a[2], a[3]),
        a ->
            LayerNormKernel.backward(
                Values.of(a[0]),
                Values.of(normalized),
                vectorStd,
                Values.of(gain),
                Values.of(a[1]),
                Values.of(a[2]),
                Values.of(a[3]),
                0,
                rows,
                dim),
        random(11, 1, rows, dim),
        Nd4j.create(DataType.FLOAT, rows, dim),
        random(12, 1, dim),
        random(13, 1, dim));
  }

  @Test
  void adamw() {
    int n = 4096 * 16 + 9;
    AdamWKernel.Step step = new AdamWKernel.Step(3e-3, 0.1, 0.9, 0.95, 1e-8, 1 - 0.9, 1 - 0.95);
    INDArray mask = Nd4j.create(DataType.FLOAT, n);
    for (int i = 0; i < n; i += 2) {
      mask.putScalar(i, 1);
    }
    agree(
        a -> AdamWKernel.update(step, a[0], a[1], a[2], a[3], mask),
        a ->
            AdamWKernel.update(
                step,
                Values.of(a[0]),
                Values.of(a[1]),
                Values.of(a[2]),
                Values.of(a[3]),
                Values.of(mask),
                0,
                n),
        random(14, 1, n),
        random(15, 1, n),
        random(16, 0.1, n),
        random(17, 0.01, n).muli(random(17, 0.01, n)));
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
