package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.plan.Tokens;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.data.ByteTokenizer;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.generate.Generator;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.LearningRateSchedule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PPO as in InstructGPT: the policy and a frozen reference start from the policy checkpoint, the
 * value model (trunk, with its head zeroed) and a frozen reward model from the reward checkpoint.
 * Each step samples a rollout with the KV cache, scores it (reward model at the last token plus the
 * offset that makes demonstrations score 0), rewards it with the score less the score of the
 * reference's own answer to the prompt, minus β·KL to the reference per token, computes GAE
 * advantages, and runs several epochs of clipped policy and value updates over minibatches.
 */
public final class PpoTraining implements StageLoop {
  private static final int EVAL_PROMPTS = 64;
  private static final int EVAL_SAMPLES_PER_PROMPT = 8;

  private final StageConfig config;
  private final StageConfig.Ppo ppo;
  private final Gpt policy;
  private final AdamW policyOptimizer;
  private final Gpt reference;
  private final Gpt value;
  private final AdamW valueOptimizer;
  private final Gpt reward;
  private final double rewardOffset;
  private final PostTrainingData.Questions prompts;
  private final ExactMatch exactMatch;
  private final LearningRateSchedule schedule;
  private final int time;
  private final DataParallel dataParallel;
  private double klCoef;
  private final Map<String, Double> lastRollout = new LinkedHashMap<>();
  private final Map<String, Double> referenceMetrics = new LinkedHashMap<>();

  /** One sampled response in a rollout: its padded tokens and the positions that acted. */
  private static final class Sample {
    int[] ids;
    int[] targets;
    int firstAction; // position whose next token is the first response token
    int actions; // response tokens, END included when the response ended
    int last; // position of the last token of the sequence
    boolean ended;
    String prompt;
    String answer; // the known answer, or null
    String response;
    double[] oldLogProbs;
    double[] refLogProbs;
    double[] values;
    double[] advantages;
    double[] returns;
    double score;
    double baseline; // score of the reference's greedy answer to the same prompt
  }

  /**
   * The reward model's score of the reference's greedy answer to each prompt, subtracted from the
   * score of every response to it. A baseline that depends on the prompt alone leaves the policy
   * gradient unbiased; it removes the part of the score the policy cannot change, which at this
   * scale otherwise swamps the difference between right and wrong answers. Cached: the reference is
   * frozen.
   */
  private final Map<String, Double> baselines = new HashMap<>();

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
    this.prompts = prompts;
    this.exactMatch = exactMatch;
    this.schedule = new LearningRateSchedule(config.optimizer(), config.steps());
    this.time = config.model().contextLength();
    this.klCoef = ppo.klCoef();
    var shape = policy.shape();
    reference = new Gpt(shape, DataType.FLOAT);
    CheckpointStore.loadWeights(store.open(config.inputs().policy()), reference.parameters());
    CheckpointStore.Loaded rewardCheckpoint = store.open(config.inputs().reward());
    reward = new Gpt(shape, DataType.FLOAT, true);
    CheckpointStore.loadWeights(rewardCheckpoint, reward.parameters());
    value = new Gpt(shape, DataType.FLOAT, true);
    CheckpointStore.loadWeights(rewardCheckpoint, value.parameters());
    // Returns are measured against the reference's answer (see baselines), so they start near 0:
    // the value head starts there too, on the reward model's trunk.
    value.parameters().list().stream()
        .filter(p -> p.name().startsWith("score."))
        .forEach(p -> p.value().assign(0));
    Map<String, Double> rewardMetrics = rewardCheckpoint.manifest().metrics();
    rewardOffset = rewardMetrics == null ? 0 : rewardMetrics.getOrDefault("rewardOffset", 0.0);
    StageConfig.Optimizer opt = config.optimizer();
    valueOptimizer =
        new AdamW(value.parameters(), opt.beta1(), opt.beta2(), opt.epsilon(), opt.weightDecay());
  }

  /**
   * One rollout and its updates. With data ranks, each rank samples and trains on its share of the
   * rollout; advantages are whitened with global statistics and every update all-reduces the
   * gradients, so the replicas stay identical.
   */
  @Override
  public StepResult step(long step) {
    List<Sample> rollout = rollout(step);
    score(rollout);
    baselines(rollout);
    advantages(rollout);
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
      List<Sample> order = new ArrayList<>(rollout);
      java.util.Collections.shuffle(order, new java.util.Random(shuffle.nextLong()));
      for (int first = 0; first < order.size(); first += minibatch) {
        List<Sample> batch = order.subList(first, Math.min(order.size(), first + minibatch));
        long actions = (long) dataParallel.sum(batch.stream().mapToLong(s -> s.actions).sum())[0];
        if (actions == 0) {
          continue;
        }
        Update update = policyUpdate(batch, actions);
        policyLoss += update.loss;
        clipped += update.clipped;
        gradNorm =
            OptimizerStep.apply(
                step,
                policy,
                policyOptimizer,
                dataParallel,
                config.optimizer().gradClipNorm(),
                learningRate);
        valueLoss += valueUpdate(batch, actions);
        OptimizerStep.apply(
            step,
            value,
            valueOptimizer,
            dataParallel,
            config.optimizer().gradClipNorm(),
            learningRate);
        tokens += (long) batch.size() * time * 2;
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
            entropySum(rollout),
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
   * Held-out numbers for the policy next to the same numbers for the frozen reference (the policy
   * PPO started from), so the gain is in the report: greedy exact match and reward-model score, and
   * the mean reward-model score and exact match of responses sampled as in the rollouts, which is
   * the quantity PPO maximises.
   */
  @Override
  public Map<String, Double> evaluate() {
    Map<String, Double> metrics = new LinkedHashMap<>(lastRollout);
    metrics.putAll(heldOut(policy, ""));
    if (referenceMetrics.isEmpty()) {
      referenceMetrics.putAll(heldOut(reference, "reference"));
    }
    metrics.putAll(referenceMetrics);
    metrics.put(
        "evalScoreGain", metrics.get("evalScore") - referenceMetrics.get("referenceEvalScore"));
    metrics.put(
        "sampleScoreGain",
        metrics.get("sampleScore") - referenceMetrics.get("referenceSampleScore"));
    return metrics;
  }

  private Map<String, Double> heldOut(Gpt model, String prefix) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    List<Sample> greedy = evalSamples(model, Generator.Sampling.greedy(ppo.maxNewTokens()), 1);
    List<Sample> sampled =
        evalSamples(
            model,
            new Generator.Sampling(ppo.temperature(), ppo.topK(), ppo.maxNewTokens()),
            EVAL_SAMPLES_PER_PROMPT);
    metrics.put(name(prefix, "exactMatch"), exactMatch.of(model));
    metrics.put(name(prefix, "evalScore"), meanScore(greedy));
    metrics.put(name(prefix, "sampleScore"), meanScore(sampled));
    metrics.put(name(prefix, "sampleExactMatch"), correctFraction(sampled));
    return metrics;
  }

  private static String name(String prefix, String metric) {
    return prefix.isEmpty()
        ? metric
        : prefix + Character.toUpperCase(metric.charAt(0)) + metric.substring(1);
  }

  /**
   * Scored completions of the held-out prompts, {@code perPrompt} each, from seeds that depend only
   * on the prompt and sample index, so that the policy and the reference are compared on the same
   * draws.
   */
  private List<Sample> evalSamples(Gpt model, Generator.Sampling sampling, int perPrompt) {
    Generator generator = new Generator(model);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < EVAL_PROMPTS; i++) {
      PostTrainingData.Question q = exactMatch.question(i);
      for (int k = 0; k < perPrompt; k++) {
        samples.add(sample(generator, q, sampling, new SplittableRandom(Seeds.mix(i, k))));
      }
    }
    scoreWithRewardModel(samples);
    return samples;
  }

  private static double meanScore(List<Sample> samples) {
    return samples.stream().mapToDouble(s -> s.score).average().orElse(0);
  }

  private static double correctFraction(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.answer != null)
        .mapToDouble(s -> s.ended && s.response.equals(s.answer) ? 1 : 0)
        .average()
        .orElse(0);
  }

  private List<Sample> rollout(long step) {
    Generator generator = new Generator(policy);
    Generator.Sampling sampling =
        new Generator.Sampling(ppo.temperature(), ppo.topK(), ppo.maxNewTokens());
    List<Sample> rollout = new ArrayList<>();
    int share = ppo.rolloutSize() / dataParallel.size();
    for (int i = dataParallel.index() * share; i < (dataParallel.index() + 1) * share; i++) {
      SplittableRandom random = new SplittableRandom(Seeds.mix(config.seed(), step, i));
      rollout.add(sample(generator, prompts.question(random, false), sampling, random));
    }
    return rollout;
  }

  private Sample sample(
      Generator generator,
      PostTrainingData.Question q,
      Generator.Sampling sampling,
      SplittableRandom random) {
    int[] prompt = PromptFormat.prompt(q.prompt());
    if (prompt.length >= time) {
      prompt = Arrays.copyOfRange(prompt, prompt.length - (time - 1), prompt.length);
    }
    int room = time - prompt.length;
    Generator.Sampling bounded =
        new Generator.Sampling(
            sampling.temperature(), sampling.topK(), Math.min(sampling.maxNewTokens(), room));
    Generator.Completion completion = generator.complete(prompt, bounded, random);
    Sample s = new Sample();
    s.ended = completion.ended() && prompt.length + completion.tokens().length < time;
    int length = prompt.length + completion.tokens().length + (s.ended ? 1 : 0);
    int[] sequence = Arrays.copyOf(prompt, length);
    System.arraycopy(completion.tokens(), 0, sequence, prompt.length, completion.tokens().length);
    if (s.ended) {
      sequence[length - 1] = Tokens.END;
    }
    s.ids = PromptFormat.fit(sequence, time);
    s.targets = new int[time];
    Arrays.fill(s.targets, Tokens.PADDING);
    System.arraycopy(s.ids, 1, s.targets, 0, time - 1);
    s.firstAction = prompt.length - 1;
    s.actions = length - prompt.length;
    s.last = PromptFormat.scorePosition(sequence, time);
    s.answer = q.answer();
    s.prompt = q.prompt();
    s.response = ByteTokenizer.decode(completion.tokens());
    return s;
  }

  /** Old and reference log-probabilities, values and reward-model scores of a rollout. */
  private void score(List<Sample> rollout) {
    for (List<Sample> chunk : chunks(rollout)) {
      int[] ids = ids(chunk);
      float[] policyLogits = policy.logits(ids, chunk.size(), time).data().asFloat();
      float[] referenceLogits = reference.logits(ids, chunk.size(), time).data().asFloat();
      INDArray values = value.scalarHead().forward(value.hidden(ids, chunk.size(), time));
      for (int r = 0; r < chunk.size(); r++) {
        Sample s = chunk.get(r);
        s.oldLogProbs = logProbs(policyLogits, r, s);
        s.refLogProbs = logProbs(referenceLogits, r, s);
        s.values = new double[s.actions];
        for (int a = 0; a < s.actions; a++) {
          s.values[a] = values.getDouble((long) r * time + s.firstAction + a, 0);
        }
      }
    }
    scoreWithRewardModel(rollout);
  }

  private void scoreWithRewardModel(List<Sample> samples) {
    for (List<Sample> chunk : chunks(samples)) {
      INDArray scores = reward.scalarHead().forward(reward.hidden(ids(chunk), chunk.size(), time));
      for (int r = 0; r < chunk.size(); r++) {
        Sample s = chunk.get(r);
        s.score = scores.getDouble((long) r * time + s.last, 0) + rewardOffset;
      }
    }
  }

  /** Sets each sample's baseline, generating the reference's answers to prompts not seen yet. */
  private void baselines(List<Sample> rollout) {
    Generator generator = new Generator(reference);
    Map<String, Sample> fresh = new LinkedHashMap<>();
    for (Sample s : rollout) {
      if (!baselines.containsKey(s.prompt) && !fresh.containsKey(s.prompt)) {
        PostTrainingData.Question q = new PostTrainingData.Question(s.prompt, s.answer);
        Generator.Sampling greedy = Generator.Sampling.greedy(ppo.maxNewTokens());
        fresh.put(s.prompt, sample(generator, q, greedy, new SplittableRandom(0)));
      }
    }
    scoreWithRewardModel(new ArrayList<>(fresh.values()));
    fresh.forEach((prompt, answer) -> baselines.put(prompt, answer.score));
    for (Sample s : rollout) {
      s.baseline = baselines.get(s.prompt);
    }
  }

  /**
   * GAE(γ, λ) on per-token rewards −β·KL plus, at the last token, the score less its baseline;
   * whitened.
   */
  private void advantages(List<Sample> rollout) {
    List<Double> all = new ArrayList<>();
    for (Sample s : rollout) {
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
    for (Sample s : rollout) {
      for (int a = 0; a < s.actions; a++) {
        s.advantages[a] = (s.advantages[a] - mean) / std;
      }
    }
  }

  private record Update(double loss, long clipped) {}

  /**
   * Clipped surrogate −min(ρA, clip(ρ, 1±ε)A) averaged over the minibatch's response tokens; its
   * gradient with respect to log π reaches the logits through the cross-entropy head as a weight.
   */
  private Update policyUpdate(List<Sample> minibatch, long actions) {
    policy.parameters().zeroGrads();
    double loss = 0;
    long clipped = 0;
    for (List<Sample> chunk : chunks(minibatch)) {
      int[] ids = ids(chunk);
      float[] logits = policy.logits(ids, chunk.size(), time).data().asFloat();
      int[] targets = new int[chunk.size() * time];
      double[] weights = new double[chunk.size() * time];
      for (int r = 0; r < chunk.size(); r++) {
        Sample s = chunk.get(r);
        System.arraycopy(s.targets, 0, targets, r * time, time);
        double[] logp = logProbs(logits, r, s);
        for (int a = 0; a < s.actions; a++) {
          double ratio = Math.exp(logp[a] - s.oldLogProbs[a]);
          double adv = s.advantages[a];
          double clippedRatio = Math.max(1 - ppo.clipRange(), Math.min(1 + ppo.clipRange(), ratio));
          double unclippedLoss = -adv * ratio;
          double clippedLoss = -adv * clippedRatio;
          loss += Math.max(unclippedLoss, clippedLoss) / actions;
          if (clippedLoss > unclippedLoss) {
            clipped++;
          } else {
            // dL/dlog π = −A·ρ/n, and the head's loss has dL/dlog π = −weight, so weight = A·ρ/n.
            weights[r * time + s.firstAction + a] = adv * ratio / actions;
          }
        }
      }
      policy.loss(targets, weights, 1);
      policy.backward();
    }
    return new Update(loss, clipped);
  }

  /** Clipped value loss 0.5·max((V − R)², (clip(V, V_old ± ε) − R)²) over response tokens. */
  private double valueUpdate(List<Sample> minibatch, long actions) {
    value.parameters().zeroGrads();
    double loss = 0;
    for (List<Sample> chunk : chunks(minibatch)) {
      int[] ids = ids(chunk);
      INDArray predicted = value.scalarHead().forward(value.hidden(ids, chunk.size(), time));
      INDArray grad = Nd4j.create(predicted.dataType(), predicted.shape());
      for (int r = 0; r < chunk.size(); r++) {
        Sample s = chunk.get(r);
        for (int a = 0; a < s.actions; a++) {
          long index = (long) r * time + s.firstAction + a;
          double v = predicted.getDouble(index, 0);
          double old = s.values[a];
          double clippedV =
              old + Math.max(-ppo.valueClipRange(), Math.min(ppo.valueClipRange(), v - old));
          double unclippedLoss = (v - s.returns[a]) * (v - s.returns[a]);
          double clippedLoss = (clippedV - s.returns[a]) * (clippedV - s.returns[a]);
          loss += 0.5 * Math.max(unclippedLoss, clippedLoss) / actions;
          boolean useClipped = clippedLoss > unclippedLoss;
          boolean insideClip = Math.abs(v - old) <= ppo.valueClipRange();
          double g = useClipped ? (insideClip ? (clippedV - s.returns[a]) : 0) : (v - s.returns[a]);
          grad.putScalar(index, 0, g / actions);
        }
      }
      value.backwardHidden(value.scalarHead().backward(grad));
    }
    return loss;
  }

  /** Summed entropy of the policy over the rollout's action positions. */
  private double entropySum(List<Sample> rollout) {
    double total = 0;
    for (List<Sample> chunk : chunks(rollout)) {
      float[] logits = policy.logits(ids(chunk), chunk.size(), time).data().asFloat();
      int v = policy.shape().vocab();
      for (int r = 0; r < chunk.size(); r++) {
        Sample s = chunk.get(r);
        for (int a = 0; a < s.actions; a++) {
          int base = ((r * time) + s.firstAction + a) * v;
          double[] logp = logSoftmax(logits, base, policy.shape().usedVocab());
          for (double lp : logp) {
            total -= Math.exp(lp) * lp;
          }
        }
      }
    }
    return total;
  }

  private void adaptKl(double kl) {
    if (ppo.klTarget() == null) {
      return;
    }
    double error = Math.max(-0.2, Math.min(0.2, kl / ppo.klTarget() - 1));
    klCoef *= 1 + 0.1 * error;
  }

  /** log π(target) at a sample's action positions, from flat logits [B·T, V]. */
  private double[] logProbs(float[] logits, int row, Sample s) {
    int v = policy.shape().vocab();
    double[] out = new double[s.actions];
    for (int a = 0; a < s.actions; a++) {
      int position = row * time + s.firstAction + a;
      double[] logp = logSoftmax(logits, position * v, policy.shape().usedVocab());
      out[a] = logp[s.targets[s.firstAction + a]];
    }
    return out;
  }

  private static double[] logSoftmax(float[] logits, int base, int used) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < used; i++) {
      max = Math.max(max, logits[base + i]);
    }
    double sum = 0;
    for (int i = 0; i < used; i++) {
      sum += Math.exp(logits[base + i] - max);
    }
    double log = Math.log(sum) + max;
    double[] out = new double[used];
    for (int i = 0; i < used; i++) {
      out[i] = logits[base + i] - log;
    }
    return out;
  }

  private List<List<Sample>> chunks(List<Sample> samples) {
    List<List<Sample>> chunks = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += config.microBatchSize()) {
      chunks.add(samples.subList(i, Math.min(samples.size(), i + config.microBatchSize())));
    }
    return chunks;
  }

  private int[] ids(List<Sample> chunk) {
    int[] ids = new int[chunk.size() * time];
    for (int r = 0; r < chunk.size(); r++) {
      System.arraycopy(chunk.get(r).ids, 0, ids, r * time, time);
    }
    return ids;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
