package dev.emergent.study;

import dev.emergent.api.v1alpha1.CelRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DiagonalMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.util.Pair;

/**
 * Fits L(N, D) = E + A/N^alpha + B/D^beta to final losses as Hoffmann et al. (2022, approach 3) do:
 * with E, A and B as exponents of e, minimise the Huber loss (delta 1e-3) between the log of the
 * predicted and of the measured loss from every point of their grid of starts, and keep the best.
 * Each start is solved by Levenberg-Marquardt (Apache Commons Math) on the log residuals, then the
 * Huber loss by iteratively reweighted least squares from the best starts; the paper used L-BFGS on
 * the Huber loss directly. Intervals come from refitting resampled runs (a bootstrap).
 */
public final class ScalingLawFit {
  public static final int PARAMETERS = CelRules.STUDY_PARAMETERS;
  static final double HUBER_DELTA = 1e-3;
  static final int RESAMPLES = 200;

  /** Least-squares solutions refined for the Huber loss, and the starts of each resample. */
  private static final int REFINED = 16;

  private static final int REWEIGHTINGS = 20;
  private static final double MAX_EXPONENT = 3;
  private static final double[] EXPONENT_STARTS = {0, 0.5, 1, 1.5, 2};
  private static final double[] LOG_E_STARTS = {-1, -0.5, 0, 0.5, 1};
  private static final double[] LOG_COEFFICIENT_STARTS = {0, 5, 10, 15, 20, 25};

  /** The law fitted to every run, 90% bootstrap intervals of its parameters, and its error. */
  public record Result(ScalingLaw law, double[] low, double[] high, int runs, double rmsLogError) {}

  private ScalingLawFit() {}

  /**
   * @throws IllegalArgumentException for fewer runs than parameters, or runs that do not vary both
   *     the model size and the token count
   */
  public static Result fit(List<LossObservation> runs, long seed) {
    requireFittable(runs);
    LogResiduals full = new LogResiduals(runs);
    List<double[]> starts = bestStarts(full, grid());
    double[] best =
        huberFit(full, starts)
            .orElseThrow(
                () -> new IllegalStateException("no start of the fit reached a plausible law"));
    List<double[]> resampled = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    for (int r = 0; r < RESAMPLES; r++) {
      LogResiduals sample = new LogResiduals(resample(runs, random));
      huberFit(sample, bestStarts(sample, starts)).ifPresent(x -> resampled.add(law(x).values()));
    }
    double[] low = new double[PARAMETERS];
    double[] high = new double[PARAMETERS];
    Percentile percentile = new Percentile();
    for (int p = 0; p < PARAMETERS; p++) {
      int parameter = p;
      double[] values = resampled.stream().mapToDouble(v -> v[parameter]).toArray();
      low[p] = values.length == 0 ? law(best).values()[p] : percentile.evaluate(values, 5);
      high[p] = values.length == 0 ? law(best).values()[p] : percentile.evaluate(values, 95);
    }
    return new Result(law(best), low, high, runs.size(), full.rmsLogError(best));
  }

  /** The same checks as {@link #fit}, for a plan that has not run yet. */
  public static void requireFittable(List<LossObservation> runs) {
    if (runs.size() < PARAMETERS) {
      throw new IllegalArgumentException(
          "fitting L(N, D) = E + A/N^alpha + B/D^beta needs at least "
              + PARAMETERS
              + " runs, one per parameter; got "
              + runs.size());
    }
    if (runs.stream().mapToDouble(LossObservation::parameters).distinct().count() < 2
        || runs.stream().mapToDouble(LossObservation::tokens).distinct().count() < 2) {
      throw new IllegalArgumentException(
          "fitting L(N, D) needs runs of at least two model sizes and two token counts");
    }
  }

  private static ScalingLaw law(double[] x) {
    return new ScalingLaw(Math.exp(x[0]), Math.exp(x[1]), x[2], Math.exp(x[3]), x[4]);
  }

  /** The least-squares solutions from {@code starts} with the lowest Huber loss. */
  private static List<double[]> bestStarts(LogResiduals residuals, List<double[]> starts) {
    double[] equal = new double[residuals.size()];
    Arrays.fill(equal, 1);
    return starts.stream()
        .map(start -> leastSquares(residuals, start, equal))
        .flatMap(Optional::stream)
        .sorted(Comparator.comparingDouble(residuals::huber))
        .limit(REFINED)
        .toList();
  }

  /** The lowest Huber loss reached from {@code starts}, each refined by reweighting. */
  private static Optional<double[]> huberFit(LogResiduals residuals, List<double[]> starts) {
    return starts.stream()
        .map(start -> reweighted(residuals, start))
        .min(Comparator.comparingDouble(residuals::huber));
  }

  /** Huber's M-estimate by iteratively reweighted least squares: weight min(1, delta/|r|). */
  private static double[] reweighted(LogResiduals residuals, double[] start) {
    double[] x = start;
    for (int i = 0; i < REWEIGHTINGS; i++) {
      double[] weights = new double[residuals.size()];
      for (int k = 0; k < weights.length; k++) {
        double r = Math.abs(residuals.residual(x, k));
        weights[k] = r <= HUBER_DELTA ? 1 : HUBER_DELTA / r;
      }
      Optional<double[]> next = leastSquares(residuals, x, weights);
      if (next.isEmpty() || residuals.huber(next.get()) >= residuals.huber(x)) {
        break;
      }
      x = next.get();
    }
    return x;
  }

  private static Optional<double[]> leastSquares(
      LogResiduals residuals, double[] start, double[] weights) {
    LeastSquaresProblem problem =
        new LeastSquaresBuilder()
            .start(start)
            .model(residuals::valueAndJacobian)
            .target(residuals.logLosses())
            .weight(new DiagonalMatrix(weights))
            .maxEvaluations(2_000)
            .maxIterations(2_000)
            .build();
    try {
      double[] x = new LevenbergMarquardtOptimizer().optimize(problem).getPoint().toArray();
      return plausible(x) && Double.isFinite(residuals.huber(x))
          ? Optional.of(x)
          : Optional.empty();
    } catch (MathIllegalStateException | MathIllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Finite, with exponents in [0, {@value #MAX_EXPONENT}]: a least-squares step is unbounded, and
   * on few runs (a bootstrap resample above all) it can trade a vanishing term for an absurd
   * exponent.
   */
  private static boolean plausible(double[] x) {
    return Arrays.stream(x).allMatch(Double::isFinite)
        && x[2] >= 0
        && x[2] <= MAX_EXPONENT
        && x[4] >= 0
        && x[4] <= MAX_EXPONENT;
  }

  /** Hoffmann et al.'s grid of starts: log E, log A, alpha, log B, beta. */
  private static List<double[]> grid() {
    List<double[]> starts = new ArrayList<>();
    for (double e : LOG_E_STARTS) {
      for (double a : LOG_COEFFICIENT_STARTS) {
        for (double alpha : EXPONENT_STARTS) {
          for (double b : LOG_COEFFICIENT_STARTS) {
            for (double beta : EXPONENT_STARTS) {
              starts.add(new double[] {e, a, alpha, b, beta});
            }
          }
        }
      }
    }
    return starts;
  }

  /** Runs drawn with replacement until they can be fitted (both N and D vary). */
  private static List<LossObservation> resample(
      List<LossObservation> runs, SplittableRandom random) {
    while (true) {
      List<LossObservation> drawn = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        drawn.add(runs.get(random.nextInt(runs.size())));
      }
      if (drawn.stream().mapToDouble(LossObservation::parameters).distinct().count() >= 2
          && drawn.stream().mapToDouble(LossObservation::tokens).distinct().count() >= 2) {
        return drawn;
      }
    }
  }

  /** log(E + A/N^alpha + B/D^beta) of each run, as a log-sum-exp of the three log terms. */
  private static final class LogResiduals {
    private final double[] logN;
    private final double[] logD;
    private final double[] logL;

    LogResiduals(List<LossObservation> runs) {
      logN = runs.stream().mapToDouble(r -> Math.log(r.parameters())).toArray();
      logD = runs.stream().mapToDouble(r -> Math.log(r.tokens())).toArray();
      logL = runs.stream().mapToDouble(r -> Math.log(r.loss())).toArray();
    }

    int size() {
      return logL.length;
    }

    double[] logLosses() {
      return logL;
    }

    double residual(double[] x, int i) {
      return logPredicted(x, i, null) - logL[i];
    }

    double huber(double[] x) {
      double sum = 0;
      for (int i = 0; i < logL.length; i++) {
        double abs = Math.abs(residual(x, i));
        sum += abs <= HUBER_DELTA ? 0.5 * abs * abs : HUBER_DELTA * (abs - 0.5 * HUBER_DELTA);
      }
      return sum;
    }

    double rmsLogError(double[] x) {
      double sum = 0;
      for (int i = 0; i < logL.length; i++) {
        double r = residual(x, i);
        sum += r * r;
      }
      return Math.sqrt(sum / logL.length);
    }

    Pair<RealVector, RealMatrix> valueAndJacobian(RealVector point) {
      double[] x = point.toArray();
      double[] values = new double[logL.length];
      double[][] jacobian = new double[logL.length][PARAMETERS];
      for (int i = 0; i < logL.length; i++) {
        values[i] = logPredicted(x, i, jacobian[i]);
      }
      return new Pair<>(
          new ArrayRealVector(values, false), new Array2DRowRealMatrix(jacobian, false));
    }

    /** The log-sum-exp; its gradient (the terms' shares of the loss) into {@code gradient}. */
    private double logPredicted(double[] x, int i, double[] gradient) {
      double size = x[1] - x[2] * logN[i];
      double data = x[3] - x[4] * logD[i];
      double max = Math.max(x[0], Math.max(size, data));
      double pe = Math.exp(x[0] - max);
      double pa = Math.exp(size - max);
      double pb = Math.exp(data - max);
      double sum = pe + pa + pb;
      if (gradient != null) {
        gradient[0] = pe / sum;
        gradient[1] = pa / sum;
        gradient[2] = -pa / sum * logN[i];
        gradient[3] = pb / sum;
        gradient[4] = -pb / sum * logD[i];
      }
      return max + Math.log(sum);
    }
  }
}
