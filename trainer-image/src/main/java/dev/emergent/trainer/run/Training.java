package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.data.StepBatches;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Batch;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.LearningRateSchedule;
import dev.emergent.trainer.tensor.GradientsReady;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Token-level training (Pretrain, SFT): the micro-batches of a step, their gradients summed,
 * clipped, and an AdamW update at the scheduled learning rate.
 */
public final class Training implements StageLoop {
  /** Held-out batches per evaluation, each of the global batch size. */
  static final int EVAL_BATCHES = 2;

  private final StageConfig config;
  private final Gpt gpt;
  private final AdamW optimizer;
  private final StepBatches data;
  private final LearningRateSchedule schedule;
  private final ExactMatch exactMatch;
  private final DataParallel dataParallel;
  private final Supplier<Gpt> whole;

  public Training(StageConfig config, Gpt gpt, AdamW optimizer, StepBatches data) {
    this(config, gpt, optimizer, data, null, DataParallel.single(), () -> gpt);
  }

  /**
   * With {@code exactMatch}, evaluations also report the exact match of greedy completions of the
   * whole model (which {@code whole} assembles on a model axis).
   */
  public Training(
      StageConfig config,
      Gpt gpt,
      AdamW optimizer,
      StepBatches data,
      ExactMatch exactMatch,
      DataParallel dataParallel,
      Supplier<Gpt> whole) {
    this.whole = whole;
    this.config = config;
    this.gpt = gpt;
    this.optimizer = optimizer;
    this.data = data;
    this.schedule = new LearningRateSchedule(config.optimizer(), config.steps());
    this.exactMatch = exactMatch;
    this.dataParallel = dataParallel;
  }

  /**
   * One step over this rank's rows of the global batch: rows [index·B/d, (index+1)·B/d) of the
   * step, in micro-batches, normalised by the weight of the whole global batch, so that the
   * all-reduced gradient equals the gradient of the global batch on one process.
   */
  @Override
  public Long dataPosition(long step) {
    return data.position(step);
  }

  @Override
  public StepResult step(long step) {
    int perRank = config.batchSize() / dataParallel.size();
    int firstRow = dataParallel.index() * perRank;
    List<Batch> micro = new ArrayList<>();
    for (int m = 0; m < config.gradientAccumulation(); m++) {
      micro.add(
          data.train(step, firstRow + m * config.microBatchSize(), config.microBatchSize())
              .trimmed());
    }
    double localWeight = micro.stream().mapToDouble(Batch::weightSum).sum();
    double normalizer = dataParallel.sum(localWeight)[0];
    gpt.parameters().zeroGrads();
    double loss = 0;
    long correct = 0;
    long tokens = 0;
    for (int m = 0; m < micro.size(); m++) {
      Batch batch = micro.get(m);
      loss += gpt.forward(batch, normalizer);
      correct += gpt.correct();
      tokens += (long) batch.size() * batch.time();
      gpt.backward(
          m == micro.size() - 1 ? dataParallel.overlap(gpt.parameters()) : GradientsReady.NONE);
    }
    double[] totals = dataParallel.sum(loss, correct, tokens);
    if (!Double.isFinite(totals[0])) {
      throw new LossDivergedException(step, totals[0]);
    }
    double learningRate = schedule.at(step);
    double gradNorm =
        OptimizerStep.apply(
            step, gpt, optimizer, dataParallel, config.optimizer().gradClipNorm(), learningRate);
    return new StepResult(
        step, totals[0], totals[1] / normalizer, learningRate, gradNorm, (long) totals[2]);
  }

  @Override
  public Map<String, Double> evaluate() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    double evalLoss = evalLoss();
    metrics.put("evalLoss", evalLoss);
    Double bytesPerToken = data.heldOutBytesPerToken();
    if (bytesPerToken != null) {
      // Loss per byte of text, in bits: comparable across vocabularies, unlike loss per token.
      metrics.put("evalBitsPerByte", evalLoss / Math.log(2) / bytesPerToken);
    }
    if (exactMatch != null) {
      ExactMatch.Score score = exactMatch.of(whole.get(), dataParallel);
      metrics.put("exactMatch", score.exactMatch());
      metrics.put("answerLogLikelihood", score.answerLogLikelihood());
    }
    return metrics;
  }

  /**
   * Token-weighted mean loss on {@link #EVAL_BATCHES} held-out batches of the global batch size,
   * their micro-batches split over the data ranks: the same rows, hence the same number, on any
   * mesh, for a share of the work.
   */
  public double evalLoss() {
    int micro = config.microBatchSize();
    int perBatch = config.batchSize() / micro;
    double loss = 0;
    double weight = 0;
    for (int chunk : dataParallel.share(EVAL_BATCHES * perBatch)) {
      Batch batch = data.heldOut(chunk / perBatch, chunk % perBatch * micro, micro).trimmed();
      loss += gpt.forward(batch, 1);
      weight += batch.weightSum();
    }
    double[] totals = dataParallel.sum(loss, weight);
    return totals[0] / totals[1];
  }
}
