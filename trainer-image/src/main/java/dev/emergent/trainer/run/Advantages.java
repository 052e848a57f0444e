package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.mesh.DataParallel;
import java.util.ArrayList;
import java.util.List;

/**
 * PPO's advantages and returns of a rollout. Whitened over the whole global rollout, not each
 * rank's rows, so every data-parallel replica scales its policy gradient alike.
 */
final class Advantages {
  private Advantages() {}

  /**
   * GAE(γ, λ) on per-token rewards −β·KL plus, at the last token, the score less its baseline;
   * whitened.
   */
  static void compute(
      List<PpoSample> rollout, double klCoef, StageConfig.Ppo ppo, DataParallel dataParallel) {
    List<Double> all = new ArrayList<>();
    for (PpoSample s : rollout) {
      s.advantages = new double[s.actions];
      s.returns = new double[s.actions];
      double next = 0;
      double gae = 0;
      for (int a = s.actions - 1; a >= 0; a--) {
        double r =
            -klCoef * (s.oldLogProbs[a] - s.refLogProbs[a])
                + (a == s.actions - 1 ? s.score - s.baseline : 0);
        double delta = r + ppo.gamma() * next - s.values[a];
        gae = delta + ppo.gamma() * ppo.lambda() * gae;
        s.advantages[a] = gae;
        s.returns[a] = gae + s.values[a];
        next = s.values[a];
        all.add(gae);
      }
    }
    double[] moments =
        dataParallel.sum(
            all.stream().mapToDouble(Double::doubleValue).sum(),
            all.stream().mapToDouble(x -> x * x).sum(),
            all.size());
    double mean = moments[2] == 0 ? 0 : moments[0] / moments[2];
    double var = moments[2] == 0 ? 0 : Math.max(0, moments[1] / moments[2] - mean * mean);
    double std = Math.sqrt(var) + 1e-8;
    for (PpoSample s : rollout) {
      for (int a = 0; a < s.actions; a++) {
        s.advantages[a] = (s.advantages[a] - mean) / std;
      }
    }
  }
}
