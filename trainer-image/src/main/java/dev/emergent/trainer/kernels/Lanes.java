package dev.emergent.trainer.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Float vectors and scalars at element indices of a native-order buffer (see {@link Memory}). */
final class Lanes {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int WIDTH = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final FloatVector ZERO = FloatVector.zero(S);

  private Lanes() {}

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

  static FloatVector load(ByteBuffer memory, int index) {
    return FloatVector.fromByteBuffer(S, memory, index << 2, ORDER);
  }

  static void store(FloatVector vector, ByteBuffer memory, int index) {
    vector.intoByteBuffer(memory, index << 2, ORDER);
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
      store(ZERO, memory, j);
    }
    for (; j < to; j++) {
      put(memory, j, 0);
    }
  }
}
