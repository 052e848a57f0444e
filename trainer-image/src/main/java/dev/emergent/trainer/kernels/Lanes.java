package dev.emergent.trainer.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float vectors and scalars at element indices of a native-order buffer (see {@link Memory}).
 *
 * <p>Kernels load and store vectors with the Vector API's own calls ({@code
 * FloatVector.fromByteBuffer(S, memory, index << 2, ORDER)}, {@code intoByteBuffer}), not through
 * small methods of ours: once a kernel's loop has grown past C2's node budget (GELU's after the
 * exponential; a bias pass inlined into a layer's forward pass), C2 stops inlining methods of more
 * than 6 bytecodes that are not the JDK's own {@code @ForceInline} ones (NodeCountInliningCutoff),
 * and a vector passed to one goes boxed to an out-of-line call. Every C2 compilation of GELU's
 * forward pass in six runs of the decoding benchmark had its output store refused that way.
 */
final class Lanes {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int WIDTH = S.length();
  static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final FloatVector ZERO = FloatVector.zero(S);

  /** Each rotates the lanes by half the span of the one before: WIDTH/2, …, 2, 1. */
  private static final List<VectorShuffle<Float>> HALVES = halves();

  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HIGH = 0.693359375f;
  private static final float LN2_LOW = -2.12194440e-4f;

  /** Cephes' coefficients for e^r ≈ 1 + r + r²·p(r), highest power first. */
  private static final float[] EXP_POLYNOMIAL = {
    1.9875691500e-4f,
    1.3981999507e-3f,
    8.3334519073e-3f,
    4.1665795894e-2f,
    1.6666665459e-1f,
    5.0000001201e-1f
  };

  /** 1.5·2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer. */
  private static final float ROUNDER = 12582912f;

  /**
   * The bits of ROUNDER + n, for an integer n of magnitude below 2^22, are ROUNDER's bits + n: so n
   * as an int is one integer subtraction. {@code convert(F2I)} gives the same n, but JDK 17 runs it
   * on a slow path: GELU's forward pass took 4.5 ns per element with it and 0.76 without.
   */
  private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  private Lanes() {}

  private static List<VectorShuffle<Float>> halves() {
    List<VectorShuffle<Float>> halves = new ArrayList<>();
    for (int span = WIDTH / 2; span >= 1; span /= 2) {
      int rotation = span;
      halves.add(VectorShuffle.fromOp(S, i -> (i + rotation) % WIDTH));
    }
    return List.copyOf(halves);
  }

  /**
   * The sum of the lanes, always added in the same tree. {@code reduceLanes(ADD)} adds them in one
   * order in the Vector API's Java code and in another once the JIT has compiled the caller, so a
   * run's numbers depended on when compilation happened: two runs of the same training differed
   * from their first steps.
   */
  static float sum(FloatVector v) {
    for (VectorShuffle<Float> half : HALVES) {
      v = v.add(v.rearrange(half));
    }
    return v.lane(0);
  }

  /** The largest of the {@code count} floats from {@code from} on (exact in any order). */
  static float max(ByteBuffer memory, int from, int count) {
    int bound = S.loopBound(count);
    FloatVector maxes = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int j = 0; j < bound; j += WIDTH) {
      maxes = maxes.max(FloatVector.fromByteBuffer(S, memory, (from + j) << 2, ORDER));
    }
    float max = maxes.reduceLanes(VectorOperators.MAX);
    for (int j = bound; j < count; j++) {
      max = Math.max(max, get(memory, from + j));
    }
    return max;
  }

  /** Multiplies the {@code count} floats from {@code from} on by {@code factor}, in place. */
  static void scale(ByteBuffer memory, int from, int count, float factor) {
    int bound = S.loopBound(count);
    for (int j = 0; j < bound; j += WIDTH) {
      int at = (from + j) << 2;
      FloatVector.fromByteBuffer(S, memory, at, ORDER)
          .mul(factor)
          .intoByteBuffer(memory, at, ORDER);
    }
    for (int j = bound; j < count; j++) {
      put(memory, from + j, get(memory, from + j) * factor);
    }
  }

  /**
   * e^x per lane, from additions, products and bit operations only, so that it gives the same bits
   * compiled or not ({@code lanewise(EXP)} is Math.exp lane by lane before compilation and another
   * library after). Cephes' expf: x = n·ln2 + r with n an integer and |r| ≤ ln2/2, e^r by its
   * polynomial (about 1 ulp), 2^n put in the exponent bits. Inputs are clamped to [−87.34, 88.376]
   * (n from −126 to 127, normal floats only): results saturate at the smallest normal float and at
   * about 2.4e38, which no caller tells from 0 and infinity.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector clamped = x.max(-87.33654f).min(88.37626f);
    FloatVector rounded = clamped.mul(LOG2E).add(ROUNDER);
    FloatVector n = rounded.sub(ROUNDER);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HIGH), clamped);
    r = n.fma(FloatVector.broadcast(S, -LN2_LOW), r);
    FloatVector p = FloatVector.broadcast(S, EXP_POLYNOMIAL[0]);
    for (int i = 1; i < EXP_POLYNOMIAL.length; i++) {
      p = p.fma(r, FloatVector.broadcast(S, EXP_POLYNOMIAL[i]));
    }
    FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
    IntVector exponent = rounded.reinterpretAsInts().sub(ROUNDER_BITS);
    FloatVector power = exponent.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return er.mul(power);
  }

  /**
   * Runs body over the whole vectors of [0, n), split over threads ({@link Parallel}); {@code
   * arrays} is how many arrays of n floats the body streams through. Returns where the vectors end:
   * the caller's scalar reference does the tail.
   */
  static int splitVectors(int n, int arrays, Parallel.Range body) {
    int bound = S.loopBound(n);
    Parallel.split(bound, WIDTH, (long) arrays * bound, body);
    return bound;
  }

  static float get(ByteBuffer memory, int index) {
    return memory.getFloat(index << 2);
  }

  static void put(ByteBuffer memory, int index, float value) {
    memory.putFloat(index << 2, value);
  }

  static void zero(ByteBuffer memory, int from, int to) {
    int j = from;
    for (; j + WIDTH <= to; j += WIDTH) {
      ZERO.intoByteBuffer(memory, j << 2, ORDER);
    }
    for (; j < to; j++) {
      put(memory, j, 0);
    }
  }
}
