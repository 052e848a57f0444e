package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointLoader;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.generate.Generator;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.LearningRateSchedule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PPO as in InstructGPT: the policy and a frozen reference start from the policy checkpoint, the
 * value model (trunk, with its head zeroed) and a frozen reward model from the reward checkpoint.
 * Each step samples a rollout with the KV cache, scores it (reward model at the last token plus the
 * offset that makes demonstrations score 0), rewards it with the score less the score of the
 * reference's own answer to the prompt, minus β·KL to the reference per token, computes GAE
 * advantages, and runs several epochs of clipped policy and value updates over minibatches.
 */
public final class PpoTraining implements StageLoop {
  private static final int EVAL_SAMPLES_PER_PROMPT = 8;

  private final StageConfig config;
  private final StageConfig.Ppo ppo;
  private final Gpt policy;
  private final AdamW policyOptimizer;
  private final Gpt reference;
  private final Gpt value;
  private final AdamW valueOptimizer;
  private final ExactMatch exactMatch;
  private final LearningRateSchedule schedule;
  private final DataParallel dataParallel;
  private final PpoRollouts rollouts;
  private final PpoUpdates objectives;
  private double klCoef;
  private final Map<String, Double> lastRollout = new LinkedHashMap<>();
  private final Map<String, Double> referenceMetrics = new LinkedHashMap<>();

  public PpoTraining(
      StageConfig config,
      Gpt policy,
      AdamW policyOptimizer,
      CheckpointStore store,
      PostTrainingData.Questions prompts,
      ExactMatch exactMatch,
      DataParallel dataParallel)
      throws IOException {
    this.dataParallel = dataParallel;
    if (config.ppo() == null
        || config.inputs().policy() == null
        || config.inputs().reward() == null) {
      throw new dev.emergent.trainer.data.BadInputException(
          "PPO stage " + config.stage() + " needs PPO settings, a policy and a reward checkpoint");
    }
    this.config = config;
    this.ppo = config.ppo();
    this.policy = policy;
    this.policyOptimizer = policyOptimizer;
    this.exactMatch = exactMatch;
    this.schedule = new LearningRateSchedule(config.optimizer(), config.steps());
    this.klCoef = ppo.klCoef();
    var shape = policy.shape();
    reference = new Gpt(shape, policy.compute());
    CheckpointLoader.loadWeights(store.open(config.inputs().policy()), reference.parameters());
    CheckpointStore.Loaded rewardCheckpoint = store.open(config.inputs().reward());
    StageTokenizer.requireSame(
        rewardCheckpoint.manifest(), rewardCheckpoint.folder(), exactMatch.format().tokenizer());
    Gpt reward = new Gpt(shape, policy.compute(), true);
    CheckpointLoader.loadWeights(rewardCheckpoint, reward.parameters());
    value = new Gpt(shape, policy.compute(), true);
    CheckpointLoader.loadWeights(rewardCheckpoint, value.parameters());
    // Returns are measured against the reference's answer (see baselines), so they start near 0:
    // the value head starts there too, on the reward model's trunk.
    value.parameters().list().stream()
        .filter(p -> p.name().startsWith("score."))
        .forEach(p -> value.compute().fill(p.value(), 0));
    Map<String, Double> rewardMetrics = rewardCheckpoint.manifest().metrics();
    double rewardOffset =
        rewardMetrics == null ? 0 : rewardMetrics.getOrDefault("rewardOffset", 0.0);
    StageConfig.Optimizer opt = config.optimizer();
    valueOptimizer =
        new AdamW(value.parameters(), opt.beta1(), opt.beta2(), opt.epsilon(), opt.weightDecay());
    rollouts =
        new PpoRollouts(
            config,
            policy,
            reference,
            value,
            reward,
            rewardOffset,
            prompts,
            exactMatch,
            dataParallel);
    objectives = new PpoUpdates(config, policy, value, rollouts, dataParallel);
  }

  /**
   * One rollout and its updates. With data ranks, each rank samples and trains on its share of the
   * rollout; advantages are whitened with global statistics and every update all-reduces the
   * gradients, so the replicas stay identical.
   */
  @Override
  public StepResult step(long step) {
    List<PpoSample> rollout = rollouts.rollout(step);
    rollouts.score(rollout);
    rollouts.baselines(rollout);
    Advantages.compute(rollout, klCoef, config.ppo(), dataParallel);
    double learningRate = schedule.at(step);
    double policyLoss = 0;
    double valueLoss = 0;
    double gradNorm = 0;
    long clipped = 0;
    long tokens = 0;
    int updates = 0;
    int minibatch = config.batchSize() / dataParallel.size();
    SplittableRandom shuffle =
        new SplittableRandom(Seeds.mix(config.seed(), step, 17, dataParallel.index()));
    for (int epoch = 0; epoch < ppo.epochs(); epoch++) {
      List<PpoSample> order = new ArrayList<>(rollout);
      java.util.Collections.shuffle(order, new java.util.Random(shuffle.nextLong()));
      for (int first = 0; first < order.size(); first += minibatch) {
        List<PpoSample> batch = order.subList(first, Math.min(order.size(), first + minibatch));
        long actions = (long) dataParallel.sum(batch.stream().mapToLong(s -> s.actions).sum())[0];
        if (actions == 0) {
          continue;
        }
        PpoUpdates.Update update = objectives.clippedPolicyLoss(batch, actions);
        policyLoss += update.loss();
        clipped += update.clipped();
        gradNorm =
            OptimizerStep.apply(
                step,
                policy,
                policyOptimizer,
                dataParallel,
                config.optimizer().gradClipNorm(),
                learningRate);
        valueLoss += objectives.clippedValueLoss(batch, actions);
        OptimizerStep.apply(
            step,
            value,
            valueOptimizer,
            dataParallel,
            config.optimizer().gradClipNorm(),
            learningRate);
        tokens += 2 * update.tokens(); // the value update reads the same positions
        updates++;
      }
    }
    double[] totals =
        dataParallel.sum(
            policyLoss,
            valueLoss,
            clipped,
            rollout.stream().mapToLong(s -> s.actions).sum(),
            rollout.stream().mapToDouble(s -> sum(s.oldLogProbs) - sum(s.refLogProbs)).sum(),
            rollout.stream().mapToDouble(s -> s.score).sum(),
            rollout.size(),
            rollouts.entropySum(rollout),
            tokens);
    if (!Double.isFinite(totals[0]) || !Double.isFinite(totals[1])) {
      throw new LossDivergedException(step, totals[0] + totals[1]);
    }
    double samples = totals[6];
    double kl = totals[4] / samples;
    double score = totals[5] / samples;
    lastRollout.clear();
    lastRollout.put("score", score);
    lastRollout.put("reward", score - klCoef * kl);
    lastRollout.put("kl", kl);
    lastRollout.put("klCoef", klCoef);
    lastRollout.put("clipFraction", totals[3] == 0 ? 0 : totals[2] / (totals[3] * ppo.epochs()));
    lastRollout.put("valueLoss", updates == 0 ? 0 : totals[1] / updates);
    lastRollout.put("entropy", totals[3] == 0 ? 0 : totals[7] / totals[3]);
    lastRollout.put("responseLength", totals[3] / samples);
    adaptKl(kl);
    return new StepResult(
        step,
        updates == 0 ? 0 : totals[0] / updates,
        score,
        learningRate,
        gradNorm,
        (long) totals[8]);
  }

  /** The last rollout's statistics: score, reward, kl, entropy, clip fraction, value loss. */
  @Override
  public Map<String, Double> stepMetrics() {
    return Map.copyOf(lastRollout);
  }

  @Override
  public String accuracyMetric() {
    return "score";
  }

  /**
   * Numbers for the policy next to the same numbers for the frozen reference (the policy PPO
   * started from), so the gain is in the report. On held-out prompts: greedy exact match and
   * reward-model score, and the mean reward-model score and exact match of responses sampled as in
   * the rollouts, which is the quantity PPO maximises. On prompts of the split the rollouts draw
   * from: sampled exact match, which rises with the reward only while the reward model is right
   * about the answers PPO finds (on held-out prompts it also needs the reward model and the policy
   * to generalise).
   */
  @Override
  public Map<String, Double> evaluate() {
    Map<String, Double> metrics = new LinkedHashMap<>(lastRollout);
    metrics.putAll(evaluations(policy, ""));
    if (referenceMetrics.isEmpty()) {
      referenceMetrics.putAll(evaluations(reference, "reference"));
    }
    metrics.putAll(referenceMetrics);
    metrics.put(
        "evalScoreGain", metrics.get("evalScore") - referenceMetrics.get("referenceEvalScore"));
    metrics.put(
        "sampleScoreGain",
        metrics.get("sampleScore") - referenceMetrics.get("referenceSampleScore"));
    return metrics;
  }

  private Map<String, Double> evaluations(Gpt model, String prefix) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Generator.Sampling sampling =
        new Generator.Sampling(ppo.temperature(), ppo.topK(), ppo.maxNewTokens());
    PpoRollouts.Means greedy =
        rollouts.means(
            rollouts.evalSamples(model, Generator.Sampling.greedy(ppo.maxNewTokens()), 1, true));
    PpoRollouts.Means sampled =
        rollouts.means(rollouts.evalSamples(model, sampling, EVAL_SAMPLES_PER_PROMPT, true));
    PpoRollouts.Means trainSampled =
        rollouts.means(rollouts.evalSamples(model, sampling, EVAL_SAMPLES_PER_PROMPT, false));
    metrics.put(name(prefix, "exactMatch"), exactMatch.of(model, dataParallel).exactMatch());
    metrics.put(name(prefix, "evalScore"), greedy.meanScore());
    metrics.put(name(prefix, "sampleScore"), sampled.meanScore());
    metrics.put(name(prefix, "sampleExactMatch"), sampled.correctFraction());
    metrics.put(name(prefix, "trainSampleExactMatch"), trainSampled.correctFraction());
    return metrics;
  }

  private static String name(String prefix, String metric) {
    return prefix.isEmpty()
        ? metric
        : prefix + Character.toUpperCase(metric.charAt(0)) + metric.substring(1);
  }

  private void adaptKl(double kl) {
    if (ppo.klTarget() == null) {
      return;
    }
    double error = Math.max(-0.2, Math.min(0.2, kl / ppo.klTarget() - 1));
    klCoef *= 1 + 0.1 * error;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
