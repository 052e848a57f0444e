package dev.emergent.trainer.data;

import java.util.SplittableRandom;

/**
 * Sums and differences of integers with a fixed number of digits, e.g. "37+45=82" or "37-45=-8". A
 * problem is held out for evaluation by a hash of the problem and the seed, so that the split is
 * the same in every stage, process and mesh.
 */
public final class ArithmeticTask {
  private final int digits;
  private final long seed;
  private final double heldOutFraction;
  private final int limit;

  /** One problem and its answer. */
  public record Problem(int left, char operator, int right) {
    public String prompt() {
      return left + "" + operator + right + "=";
    }

    public String answer() {
      return Integer.toString(operator == '+' ? left + right : left - right);
    }

    public String text() {
      return prompt() + answer();
    }
  }

  public ArithmeticTask(int digits, long seed, double heldOutFraction) {
    this.digits = digits;
    this.seed = seed;
    this.heldOutFraction = heldOutFraction;
    this.limit = (int) Math.pow(10, digits);
  }

  public int digits() {
    return digits;
  }

  /** A problem of the chosen split drawn from {@code random}. */
  public Problem draw(SplittableRandom random, boolean heldOut) {
    while (true) {
      Problem problem =
          new Problem(
              random.nextInt(limit), random.nextBoolean() ? '+' : '-', random.nextInt(limit));
      if (isHeldOut(problem) == heldOut) {
        return problem;
      }
    }
  }

  public boolean isHeldOut(Problem problem) {
    long key =
        ((long) problem.left() * limit + problem.right()) * 2 + (problem.operator() == '+' ? 0 : 1);
    long h = Seeds.mix(seed ^ 0x5DEECE66DL, key);
    return (h >>> 11) * 0x1.0p-53 < heldOutFraction;
  }
}
