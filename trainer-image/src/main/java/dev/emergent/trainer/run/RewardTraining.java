package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PreferenceBatches;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.LearningRateSchedule;
import dev.emergent.trainer.tensor.GradientsReady;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Reward model training: a scalar head on the trunk read at each completion's last token, and the
 * pairwise Bradley–Terry loss −log σ(r_chosen − r_rejected) (InstructGPT), plus, when the stage
 * sets a centering weight w, w·(r_chosen + r_rejected)², which leaves the preference untouched and
 * pulls the rewards' mean toward 0 (Eisenstein et al. 2023); and, with an SFT weight, the
 * language-model head's loss on the chosen completions, on the same pass (Yang et al. 2024). That
 * term keeps the trunk predicting right answers while the scalar head learns the training pairs;
 * the rewards of problems the pairs never show depend on that knowledge (trainer-image/README.md
 * has what it changed). The step's loss includes each term.
 */
public final class RewardTraining implements StageLoop {
  static final int EVAL_PAIRS = 128;
  static final int OFFSET_DEMONSTRATIONS = 64;

  private final StageConfig config;
  private final Gpt gpt;
  private final AdamW optimizer;
  private final PreferenceBatches pairs;
  private final PostTrainingData.Demonstrations demonstrations;
  private final LearningRateSchedule schedule;
  private final DataParallel dataParallel;
  private final double centering;
  private final double sftWeight;

  /** Rewards of the chosen and the rejected completion of each pair of a batch. */
  private record Scores(double[] chosen, double[] rejected) {}

  public RewardTraining(
      StageConfig config,
      Gpt gpt,
      AdamW optimizer,
      PreferenceBatches pairs,
      PostTrainingData.Demonstrations demonstrations,
      DataParallel dataParallel) {
    this.dataParallel = dataParallel;
    this.config = config;
    this.centering = config.rewardModel() == null ? 0 : config.rewardModel().centering();
    this.sftWeight = config.rewardModel() == null ? 0 : config.rewardModel().sftWeight();
    this.gpt = gpt;
    this.optimizer = optimizer;
    this.pairs = pairs;
    this.demonstrations = demonstrations;
    this.schedule = new LearningRateSchedule(config.optimizer(), config.steps());
  }

  @Override
  public String accuracyMetric() {
    return "pairAccuracy";
  }

  @Override
  public StepResult step(long step) {
    gpt.parameters().zeroGrads();
    double loss = 0;
    int right = 0;
    long tokens = 0;
    int firstPair = dataParallel.index() * (config.batchSize() / dataParallel.size());
    for (int m = 0; m < config.gradientAccumulation(); m++) {
      PreferenceBatches.Pairs batch =
          pairs.train(step, firstPair + m * config.microBatchSize(), config.microBatchSize());
      Scores scores = forward(batch);
      double[] ds = new double[batch.ids().length]; // [N, 1]
      for (int p = 0; p < batch.pairs(); p++) {
        double margin = scores.chosen()[p] - scores.rejected()[p];
        double sum = scores.chosen()[p] + scores.rejected()[p];
        loss += (softplus(-margin) + centering * sum * sum) / config.batchSize();
        right += margin > 0 ? 1 : 0;
        double g = -sigmoid(-margin) / config.batchSize();
        double center = 2 * centering * sum / config.batchSize();
        ds[batch.last()[2 * p]] = g + center;
        ds[batch.last()[2 * p + 1]] = -g + center;
      }
      boolean last = m == config.gradientAccumulation() - 1;
      GradientsReady ready = last ? dataParallel.overlap(gpt.parameters()) : GradientsReady.NONE;
      Tensor dHidden = gpt.scalarHead().backward(gpt.compute().fromHost(ds, ds.length, 1));
      if (sftWeight > 0) {
        loss += gpt.lossOfHidden(batch.targets(), sftWeights(batch), config.batchSize());
        gpt.backward(dHidden, ready);
      } else {
        gpt.backwardHidden(dHidden, ready);
      }
      tokens += batch.ids().length;
    }
    double[] totals = dataParallel.sum(loss, right, tokens);
    loss = totals[0];
    if (!Double.isFinite(loss)) {
      throw new LossDivergedException(step, loss);
    }
    double learningRate = schedule.at(step);
    double gradNorm =
        OptimizerStep.apply(
            step, gpt, optimizer, dataParallel, config.optimizer().gradClipNorm(), learningRate);
    return new StepResult(
        step, loss, totals[1] / config.batchSize(), learningRate, gradNorm, (long) totals[2]);
  }

  /**
   * Held-out loss, pairwise accuracy, margin and mean rewards, each data rank scoring its share of
   * the micro-batches of pairs; and the reward offset: minus the mean reward of held-out
   * demonstrations, which PPO adds so that SFT-like answers score 0. Every rank computes that one
   * whole, in double precision, as PPO trains with it.
   */
  @Override
  public Map<String, Double> evaluate() {
    double loss = 0;
    int right = 0;
    double margin = 0;
    double chosen = 0;
    double rejected = 0;
    int evaluated = 0;
    int micro = config.microBatchSize();
    for (int chunk : dataParallel.share((EVAL_PAIRS + micro - 1) / micro)) {
      int first = chunk * micro;
      int count = Math.min(micro, EVAL_PAIRS - first);
      Scores scores = forward(pairs.heldOut(0, first, count));
      for (int p = 0; p < count; p++) {
        double m = scores.chosen()[p] - scores.rejected()[p];
        loss += softplus(-m);
        right += m > 0 ? 1 : 0;
        margin += m;
        chosen += scores.chosen()[p];
        rejected += scores.rejected()[p];
        evaluated++;
      }
    }
    double[] totals = dataParallel.sum(loss, right, margin, chosen, rejected, evaluated);
    double pairs = totals[5];
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("evalLoss", totals[0] / pairs);
    metrics.put("rewardAccuracy", totals[1] / pairs);
    metrics.put("rewardMargin", totals[2] / pairs);
    metrics.put("chosenReward", totals[3] / pairs);
    metrics.put("rejectedReward", totals[4] / pairs);
    metrics.put("rewardOffset", -meanDemonstrationReward());
    return metrics;
  }

  private double meanDemonstrationReward() {
    int time = gpt.shape().contextLength();
    int[] ids = new int[OFFSET_DEMONSTRATIONS * time];
    int[] last = new int[OFFSET_DEMONSTRATIONS];
    for (int i = 0; i < OFFSET_DEMONSTRATIONS; i++) {
      PostTrainingData.Demonstration d =
          demonstrations.demonstration(
              new SplittableRandom(Seeds.mix(config.seed(), -11, i)), true);
      int[] sequence = pairs.format().withCompletion(d.prompt(), d.completion());
      System.arraycopy(PromptFormat.fit(sequence, time), 0, ids, i * time, time);
      last[i] = i * time + PromptFormat.scorePosition(sequence, time);
    }
    double[] scores = gpt.scores(ids, OFFSET_DEMONSTRATIONS, time);
    double sum = 0;
    for (int index : last) {
      sum += scores[index];
    }
    return sum / OFFSET_DEMONSTRATIONS;
  }

  /**
   * Each chosen completion's tokens weighted by w / its length, for a loss of w times the mean over
   * pairs of the chosen answer's per-token loss.
   */
  private double[] sftWeights(PreferenceBatches.Pairs batch) {
    double[] weights = batch.chosenWeights().clone();
    int time = batch.time();
    for (int row = 0; row < weights.length / time; row++) {
      double tokens = 0;
      for (int t = 0; t < time; t++) {
        tokens += weights[row * time + t];
      }
      for (int t = 0; t < time && tokens > 0; t++) {
        weights[row * time + t] *= sftWeight / tokens;
      }
    }
    return weights;
  }

  private Scores forward(PreferenceBatches.Pairs batch) {
    double[] scores = gpt.scores(batch.ids(), 2 * batch.pairs(), batch.time());
    double[] chosen = new double[batch.pairs()];
    double[] rejected = new double[batch.pairs()];
    for (int p = 0; p < batch.pairs(); p++) {
      chosen[p] = scores[batch.last()[2 * p]];
      rejected[p] = scores[batch.last()[2 * p + 1]];
    }
    return new Scores(chosen, rejected);
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** log(1 + e^x) without overflow. */
  private static double softplus(double x) {
    return x > 30 ? x : Math.log1p(Math.exp(x));
  }
}
