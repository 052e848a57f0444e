package dev.emergent.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.compute.Tensor;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences in double precision against analytic gradients. */
final class GradientCheck {
  private static final double EPSILON = 1e-6;
  private static final double TOLERANCE = 1e-6;

  private GradientCheck() {}

  /**
   * Compares {@code analytic} with (f(x+ε) − f(x−ε))/2ε at up to {@code samples} elements of {@code
   * values} (every element when there are fewer); {@code f} must read {@code values}.
   */
  static void check(String what, DoubleSupplier f, Tensor values, Tensor analytic, int samples) {
    check(what, f, CpuTensor.array(values), CpuTensor.array(analytic), samples);
  }

  static void check(
      String what, DoubleSupplier f, INDArray values, INDArray analytic, int samples) {
    assertThat(values.dataType()).isEqualTo(DataType.DOUBLE);
    INDArray flatValues = values.reshape(values.length());
    INDArray flatAnalytic = analytic.reshape(analytic.length()).dup();
    long n = flatValues.length();
    SplittableRandom random = new SplittableRandom(n);
    int checked = 0;
    double worst = 0;
    for (int s = 0; s < Math.min(samples, n); s++) {
      long i = n <= samples ? s : random.nextLong(n);
      double original = flatValues.getDouble(i);
      flatValues.putScalar(i, original + EPSILON);
      double plus = f.getAsDouble();
      flatValues.putScalar(i, original - EPSILON);
      double minus = f.getAsDouble();
      flatValues.putScalar(i, original);
      double numeric = (plus - minus) / (2 * EPSILON);
      double exact = flatAnalytic.getDouble(i);
      double error =
          Math.abs(numeric - exact) / Math.max(1e-3, Math.abs(numeric) + Math.abs(exact));
      worst = Math.max(worst, error);
      checked++;
    }
    assertThat(worst)
        .as("%s: worst relative error over %d elements", what, checked)
        .isLessThan(TOLERANCE);
  }

  static INDArray random(long seed, long... shape) {
    SplittableRandom random = new SplittableRandom(seed);
    long length = 1;
    for (long size : shape) {
      length *= size;
    }
    double[] data = new double[(int) length];
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextDouble(-1, 1);
    }
    return Nd4j.create(data, shape, DataType.DOUBLE);
  }

  /** Σ out ⊙ r: a scalar whose gradient with respect to out is r. */
  static double project(Tensor out, INDArray r) {
    return CpuTensor.array(out).mul(r).sumNumber().doubleValue();
  }
}
