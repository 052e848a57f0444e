package dev.emergent.trainer.data;

/**
 * Derives independent seeds from a base seed and coordinates (step, row, …), so that any row of any
 * step can be generated on its own: by any rank, in any order, after any restart.
 */
public final class Seeds {
  private Seeds() {}

  public static long mix(long seed, long... coordinates) {
    long h = seed;
    for (long c : coordinates) {
      h = murmur(h ^ murmur(c + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  private static long murmur(long x) {
    x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
    x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }
}
