package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class LanesTest {

  @Test
  void expIsWithinTwoUlpsOfMathExpOverTheRangeTheKernelsUse() {
    float[] x = new float[WIDTH];
    float[] y = new float[WIDTH];
    for (float start = -87f; start < 88f - 0.37f * WIDTH; start += 0.37f * WIDTH) {
      for (int j = 0; j < WIDTH; j++) {
        x[j] = start + 0.37f * j;
      }
      Lanes.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
      for (int j = 0; j < WIDTH; j++) {
        double expected = Math.exp(x[j]);
        assertThat((double) y[j])
            .as("e^%s", x[j])
            .isCloseTo(expected, within(2.0 * Math.ulp((float) expected)));
      }
    }
  }

  @Test
  void expSaturatesAtTheEnds() {
    float[] y = new float[WIDTH];
    Lanes.exp(FloatVector.broadcast(S, -1000f)).intoArray(y, 0);
    assertThat(y[0]).isBetween(0f, Float.MIN_NORMAL * 1.0001f);
    Lanes.exp(FloatVector.broadcast(S, 1000f)).intoArray(y, 0);
    assertThat(y[0]).isGreaterThan(2e38f).isLessThan(Float.MAX_VALUE);
    Lanes.exp(FloatVector.zero(S)).intoArray(y, 0);
    assertThat(y[0]).isEqualTo(1f);
  }

  @Test
  void sumAddsEveryLane() {
    float[] x = new float[WIDTH];
    double expected = 0;
    for (int j = 0; j < WIDTH; j++) {
      x[j] = 1f / (j + 1);
      expected += x[j];
    }
    assertThat((double) Lanes.sum(FloatVector.fromArray(S, x, 0)))
        .isCloseTo(expected, within(1e-6));
  }
}
