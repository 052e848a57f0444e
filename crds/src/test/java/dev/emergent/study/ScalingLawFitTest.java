package dev.emergent.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalingLawFitTest {
  /** A known law in the range of the published fits; the test only needs some truth. */
  private static final ScalingLaw TRUTH = new ScalingLaw(1.7, 400, 0.34, 410, 0.28);

  private static List<LossObservation> ladder(ScalingLaw law, double noise, long seed) {
    Random random = new Random(seed);
    List<LossObservation> runs = new ArrayList<>();
    for (double n : new double[] {1e6, 3e6, 1e7, 3e7, 1e8}) {
      for (double d : new double[] {1e8, 3e8, 1e9, 3e9}) {
        double loss = law.loss(n, d) * Math.exp(noise * random.nextGaussian());
        runs.add(new LossObservation(n, d, loss));
      }
    }
    return runs;
  }

  @Test
  void recoversAKnownLawFromNoiselessLosses() {
    ScalingLawFit.Result fit = ScalingLawFit.fit(ladder(TRUTH, 0, 1), 7);

    assertThat(fit.law().e()).isCloseTo(TRUTH.e(), within(0.01));
    assertThat(fit.law().alpha()).isCloseTo(TRUTH.alpha(), within(0.01));
    assertThat(fit.law().beta()).isCloseTo(TRUTH.beta(), within(0.01));
    assertThat(fit.rmsLogError()).isLessThan(1e-4);
  }

  @Test
  void recoversExponentsWithinTheirIntervalsAndPredictsALargerRunFromNoisyLosses() {
    ScalingLawFit.Result fit = ScalingLawFit.fit(ladder(TRUTH, 0.003, 2), 7);

    double[] truth = TRUTH.values();
    for (int p : new int[] {0, 2, 4}) {
      assertThat(truth[p])
          .as(ScalingLaw.NAMES[p])
          .isBetween(fit.low()[p] - 0.02, fit.high()[p] + 0.02);
      assertThat(fit.low()[p]).isLessThanOrEqualTo(fit.law().values()[p]);
      assertThat(fit.high()[p]).isGreaterThanOrEqualTo(fit.law().values()[p]);
    }
    assertThat(fit.law().alpha()).isCloseTo(TRUTH.alpha(), within(0.06));
    assertThat(fit.law().beta()).isCloseTo(TRUTH.beta(), within(0.06));
    double larger = fit.law().loss(1e9, 2e10);
    assertThat(larger).isCloseTo(TRUTH.loss(1e9, 2e10), within(0.03 * TRUTH.loss(1e9, 2e10)));
  }

  @Test
  void theComputeOptimumSpendsTheBudgetWhereTheLossIsLowest() {
    ScalingLaw.Allocation optimum = TRUTH.optimal(1e21);

    assertThat(6 * optimum.parameters() * optimum.tokens()).isCloseTo(1e21, within(1e15));
    for (double factor : new double[] {0.5, 0.8, 1.25, 2}) {
      double n = optimum.parameters() * factor;
      assertThat(TRUTH.loss(n, 1e21 / 6 / n)).isGreaterThan(optimum.loss());
    }
  }

  @Test
  void refusesFewerRunsThanParameters() {
    List<LossObservation> four = ladder(TRUTH, 0, 1).subList(0, 4);

    assertThatThrownBy(() -> ScalingLawFit.fit(four, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "fitting L(N, D) = E + A/N^alpha + B/D^beta needs at least 5 runs, one per"
                + " parameter; got 4");
  }

  @Test
  void refusesRunsOfOneModelSize() {
    List<LossObservation> oneSize = new ArrayList<>();
    for (double d : new double[] {1e8, 2e8, 4e8, 8e8, 1.6e9}) {
      oneSize.add(new LossObservation(1e6, d, TRUTH.loss(1e6, d)));
    }

    assertThatThrownBy(() -> ScalingLawFit.fit(oneSize, 1))
        .hasMessageContaining("at least two model sizes and two token counts");
  }
}
