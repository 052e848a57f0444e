package dev.emergent.trainer.optim;

import dev.emergent.plan.StageConfig;

/** Linear warmup to the peak, then cosine, linear or no decay to the floor at the last step. */
public record LearningRateSchedule(StageConfig.Optimizer optimizer, int steps) {

  /** Learning rate of the update that step {@code step} (0-based) makes. */
  public double at(long step) {
    double peak = optimizer.learningRate();
    int warmup = optimizer.warmupSteps();
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, steps - 1 - warmup);
    progress = Math.min(1, Math.max(0, progress));
    double floor = optimizer.minLearningRateRatio();
    double factor =
        switch (optimizer.decay()) {
          case COSINE -> floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
          case LINEAR -> floor + (1 - floor) * (1 - progress);
          case CONSTANT -> 1;
        };
    return peak * factor;
  }
}
