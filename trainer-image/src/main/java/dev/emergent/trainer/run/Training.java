package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.model.Batch;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.GradientClipping;
import dev.emergent.trainer.optim.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer step at a time: the micro-batches of the step, their gradients summed, clipped, and
 * an AdamW update at the scheduled learning rate.
 */
public final class Training {
  /** Held-out batches per evaluation. */
  static final int EVAL_BATCHES = 4;

  private final StageConfig config;
  private final Gpt gpt;
  private final AdamW optimizer;
  private final PretrainingBatches data;
  private final LearningRateSchedule schedule;

  /** What one step did. */
  public record StepResult(
      long step, double loss, double accuracy, double learningRate, double gradNorm, long tokens) {}

  public Training(StageConfig config, Gpt gpt, AdamW optimizer, PretrainingBatches data) {
    this.config = config;
    this.gpt = gpt;
    this.optimizer = optimizer;
    this.data = data;
    this.schedule = new LearningRateSchedule(config.optimizer(), config.steps());
  }

  public StepResult step(long step) {
    List<Batch> micro = new ArrayList<>();
    for (int m = 0; m < config.gradientAccumulation(); m++) {
      micro.add(data.train(step, m * config.microBatchSize(), config.microBatchSize()));
    }
    double normalizer = micro.stream().mapToDouble(Batch::weightSum).sum();
    gpt.parameters().zeroGrads();
    double loss = 0;
    long correct = 0;
    long tokens = 0;
    for (Batch batch : micro) {
      loss += gpt.forward(batch, normalizer);
      correct += gpt.correct();
      tokens += (long) batch.size() * batch.time();
      gpt.backward();
    }
    if (!Double.isFinite(loss)) {
      throw new LossDivergedException(step, loss);
    }
    double gradNorm =
        GradientClipping.clip(gpt.parameters().grads(), config.optimizer().gradClipNorm());
    if (!Double.isFinite(gradNorm)) {
      throw new LossDivergedException(step, gradNorm);
    }
    double learningRate = schedule.at(step);
    optimizer.step(learningRate);
    return new StepResult(step, loss, correct / normalizer, learningRate, gradNorm, tokens);
  }

  /** Mean loss on the held-out batches. */
  public double evaluate() {
    double total = 0;
    for (int i = 0; i < EVAL_BATCHES; i++) {
      Batch batch = data.heldOut(i, 0, config.microBatchSize());
      total += gpt.forward(batch, batch.weightSum());
    }
    return total / EVAL_BATCHES;
  }
}
