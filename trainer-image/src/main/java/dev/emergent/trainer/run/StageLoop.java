package dev.emergent.trainer.run;

import java.util.Map;

/** The training loop of one stage type: one optimizer step at a time, evaluation on demand. */
public interface StageLoop {
  /** What one step did; {@code accuracy} is the stage's own (token or pairwise) accuracy. */
  record StepResult(
      long step, double loss, double accuracy, double learningRate, double gradNorm, long tokens) {}

  StepResult step(long step);

  /** Held-out metrics, e.g. evalLoss, exactMatch, rewardAccuracy. */
  Map<String, Double> evaluate();

  /** Metrics of the last step beyond loss and accuracy (PPO's rollout statistics). */
  default Map<String, Double> stepMetrics() {
    return Map.of();
  }

  /**
   * Where the stage's data stands before {@code step}, saved with checkpoints (see StepBatches).
   */
  default Long dataPosition(long step) {
    return null;
  }

  /** Name under which {@link StepResult#accuracy()} is reported. */
  default String accuracyMetric() {
    return "tokenAccuracy";
  }
}
