package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;

/**
 * The bits of {@link Lanes#exp} and {@link Lanes#sum} over fixed inputs, as one digest; run as a
 * program it prints the digest, so that another JVM (one that only interprets) can be compared.
 */
final class LaneBits {
  private LaneBits() {}

  static int digest() {
    SplittableRandom random = new SplittableRandom(7);
    float[] inputs = new float[64 * WIDTH];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) random.nextDouble(-90, 90);
    }
    int[] bits = new int[inputs.length + inputs.length / WIDTH];
    float[] out = new float[WIDTH];
    for (int i = 0; i < inputs.length; i += WIDTH) {
      FloatVector x = FloatVector.fromArray(S, inputs, i);
      Lanes.exp(x).intoArray(out, 0);
      for (int j = 0; j < WIDTH; j++) {
        bits[i + j] = Float.floatToRawIntBits(out[j]);
      }
      bits[inputs.length + i / WIDTH] = Float.floatToRawIntBits(Lanes.sum(x));
    }
    return Arrays.hashCode(bits);
  }

  public static void main(String[] args) {
    System.out.println(digest());
  }
}
