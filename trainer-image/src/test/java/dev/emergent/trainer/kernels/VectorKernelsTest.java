package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;

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
