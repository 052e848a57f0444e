package dev.emergent.study;

/** L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022, equation 2). */
public record ScalingLaw(double e, double a, double alpha, double b, double beta) {

  /** The five names, in the order of {@link #values()}. */
  public static final String[] NAMES = {"E", "A", "alpha", "B", "beta"};

  public double loss(double parameters, double tokens) {
    return e + a / Math.pow(parameters, alpha) + b / Math.pow(tokens, beta);
  }

  public double[] values() {
    return new double[] {e, a, alpha, b, beta};
  }

  /** The best split of a budget of {@code flops} ≈ 6ND between parameters and tokens. */
  public Allocation optimal(double flops) {
    double g = Math.pow(alpha * a / (beta * b), 1 / (alpha + beta));
    double parameters = g * Math.pow(flops / 6, beta / (alpha + beta));
    double tokens = flops / 6 / parameters;
    return new Allocation(flops, parameters, tokens, loss(parameters, tokens));
  }

  /** Parameters N and tokens D that spend {@code flops}, and the loss the law gives them. */
  public record Allocation(double flops, double parameters, double tokens, double loss) {}
}
