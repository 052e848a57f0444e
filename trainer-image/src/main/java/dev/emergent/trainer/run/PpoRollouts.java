package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.plan.Tokens;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.generate.ExactMatch;
import dev.emergent.trainer.generate.Generator;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PPO's data side: rollouts sampled from the policy, scored by the frozen reward model against the
 * reference's answer to the same prompt, with old and reference log-probabilities, values and GAE
 * advantages; and the token math (log-softmax over the used vocabulary) the updates share.
 */
final class PpoRollouts {
  private static final int EVAL_PROMPTS = 64;

  private final StageConfig config;
  private final StageConfig.Ppo ppo;
  private final Gpt policy;
  private final Gpt reference;
  private final Gpt value;
  private final Gpt reward;
  private final double rewardOffset;
  private final PostTrainingData.Questions prompts;
  private final ExactMatch exactMatch;
  private final int time;
  private final DataParallel dataParallel;

  /**
   * The reward model's score of the reference's greedy answer to each prompt, subtracted from the
   * score of every response to it. A baseline that depends on the prompt alone leaves the policy
   * gradient unbiased; it removes the part of the score the policy cannot change, which at this
   * scale otherwise swamps the difference between right and wrong answers. Cached: the reference is
   * frozen.
   */
  private final Map<String, Double> baselines = new HashMap<>();

  PpoRollouts(
      StageConfig config,
      Gpt policy,
      Gpt reference,
      Gpt value,
      Gpt reward,
      double rewardOffset,
      PostTrainingData.Questions prompts,
      ExactMatch exactMatch,
      DataParallel dataParallel) {
    this.config = config;
    this.ppo = config.ppo();
    this.policy = policy;
    this.reference = reference;
    this.value = value;
    this.reward = reward;
    this.rewardOffset = rewardOffset;
    this.prompts = prompts;
    this.exactMatch = exactMatch;
    this.time = config.model().contextLength();
    this.dataParallel = dataParallel;
  }

  /**
   * This data rank's share of the scored completions of 64 prompts, {@code perPrompt} each: the
   * held-out prompts, or prompts of the split the rollouts draw from. The prompts and the seeds
   * depend only on the prompt's index and the sample's, so that the policy and the reference are
   * compared on the same draws. {@link #means} sums the shares.
   */
  List<PpoSample> evalSamples(
      Gpt model, Generator.Sampling sampling, int perPrompt, boolean heldOut) {
    List<Draw> draws = new ArrayList<>();
    for (int i : dataParallel.share(EVAL_PROMPTS)) {
      PostTrainingData.Question q =
          heldOut
              ? exactMatch.question(i)
              : prompts.question(new SplittableRandom(Seeds.mix(config.seed(), -13, i)), false);
      for (int k = 0; k < perPrompt; k++) {
        draws.add(new Draw(q, sampling, new SplittableRandom(Seeds.mix(i, k))));
      }
    }
    List<PpoSample> samples = samples(model, draws);
    scoreWithRewardModel(samples);
    return samples;
  }

  /** Over every rank's share: the mean score, and the fraction of right answers where known. */
  record Means(double meanScore, double correctFraction) {}

  Means means(List<PpoSample> share) {
    double score = share.stream().mapToDouble(s -> s.score).sum();
    List<PpoSample> answerable = share.stream().filter(s -> s.answer != null).toList();
    long right = answerable.stream().filter(s -> s.ended && s.response.equals(s.answer)).count();
    double[] totals = dataParallel.sum(score, share.size(), right, answerable.size());
    return new Means(
        totals[1] == 0 ? 0 : totals[0] / totals[1], totals[3] == 0 ? 0 : totals[2] / totals[3]);
  }

  List<PpoSample> rollout(long step) {
    Generator.Sampling sampling =
        new Generator.Sampling(ppo.temperature(), ppo.topK(), ppo.maxNewTokens());
    List<Draw> draws = new ArrayList<>();
    int share = ppo.rolloutSize() / dataParallel.size();
    for (int i = dataParallel.index() * share; i < (dataParallel.index() + 1) * share; i++) {
      SplittableRandom random = new SplittableRandom(Seeds.mix(config.seed(), step, i));
      draws.add(new Draw(prompts.question(random, false), sampling, random));
    }
    return samples(policy, draws);
  }

  /** A question to answer, how to sample, and the stream to sample from. */
  private record Draw(
      PostTrainingData.Question question, Generator.Sampling sampling, SplittableRandom random) {}

  /** The model's answers to every draw, decoded together. */
  private List<PpoSample> samples(Gpt model, List<Draw> draws) {
    List<Generator.Request> requests = new ArrayList<>();
    for (Draw draw : draws) {
      int[] prompt = exactMatch.format().prompt(draw.question().prompt());
      if (prompt.length >= time) {
        prompt = Arrays.copyOfRange(prompt, prompt.length - (time - 1), prompt.length);
      }
      requests.add(new Generator.Request(prompt, draw.sampling(), draw.random()));
    }
    List<Generator.Completion> completions = new Generator(model).completeAll(requests);
    List<PpoSample> samples = new ArrayList<>();
    for (int i = 0; i < draws.size(); i++) {
      samples.add(sample(draws.get(i).question(), requests.get(i).prompt(), completions.get(i)));
    }
    return samples;
  }

  private PpoSample sample(
      PostTrainingData.Question q, int[] prompt, Generator.Completion completion) {
    PpoSample s = new PpoSample();
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
    s.response = exactMatch.format().tokenizer().decode(completion.tokens());
    return s;
  }

  /** Old and reference log-probabilities, values and reward-model scores of a rollout. */
  void score(List<PpoSample> rollout) {
    for (Chunk chunk : chunks(rollout)) {
      float[] policyLogits = policy.compute().toFloats(chunk.logits(policy));
      float[] referenceLogits = reference.compute().toFloats(chunk.logits(reference));
      double[] values = chunk.scores(value);
      for (int r = 0; r < chunk.size(); r++) {
        PpoSample s = chunk.sample(r);
        s.oldLogProbs = logProbs(policyLogits, chunk, r);
        s.refLogProbs = logProbs(referenceLogits, chunk, r);
        s.values = new double[s.actions];
        for (int a = 0; a < s.actions; a++) {
          s.values[a] = values[chunk.at(r, s.firstAction + a)];
        }
      }
    }
    scoreWithRewardModel(rollout);
  }

  void scoreWithRewardModel(List<PpoSample> samples) {
    for (Chunk chunk : chunks(samples)) {
      double[] scores = chunk.scores(reward);
      for (int r = 0; r < chunk.size(); r++) {
        PpoSample s = chunk.sample(r);
        s.score = scores[chunk.at(r, s.last)] + rewardOffset;
      }
    }
  }

  /** Sets each sample's baseline, generating the reference's answers to prompts not seen yet. */
  void baselines(List<PpoSample> rollout) {
    Map<String, Draw> fresh = new LinkedHashMap<>();
    for (PpoSample s : rollout) {
      if (!baselines.containsKey(s.prompt) && !fresh.containsKey(s.prompt)) {
        PostTrainingData.Question q = new PostTrainingData.Question(s.prompt, s.answer);
        Generator.Sampling greedy = Generator.Sampling.greedy(ppo.maxNewTokens());
        fresh.put(s.prompt, new Draw(q, greedy, new SplittableRandom(0)));
      }
    }
    List<PpoSample> answers = samples(reference, new ArrayList<>(fresh.values()));
    scoreWithRewardModel(answers);
    for (PpoSample answer : answers) {
      baselines.put(answer.prompt, answer.score);
    }
    for (PpoSample s : rollout) {
      s.baseline = baselines.get(s.prompt);
    }
  }

  /** Summed entropy of the policy over the rollout's action positions. */
  double entropySum(List<PpoSample> rollout) {
    double total = 0;
    for (Chunk chunk : chunks(rollout)) {
      float[] logits = policy.compute().toFloats(chunk.logits(policy));
      int v = policy.shape().vocab();
      for (int r = 0; r < chunk.size(); r++) {
        PpoSample s = chunk.sample(r);
        for (int a = 0; a < s.actions; a++) {
          int base = chunk.at(r, s.firstAction + a) * v;
          double[] logp = logSoftmax(logits, base, policy.shape().usedVocab());
          for (double lp : logp) {
            total -= Math.exp(lp) * lp;
          }
        }
      }
    }
    return total;
  }

  /** log π(target) at the action positions of a chunk's row, from its flat logits [B·T, V]. */
  double[] logProbs(float[] logits, Chunk chunk, int row) {
    PpoSample s = chunk.sample(row);
    int v = policy.shape().vocab();
    double[] out = new double[s.actions];
    for (int a = 0; a < s.actions; a++) {
      int position = chunk.at(row, s.firstAction + a);
      double[] logp = logSoftmax(logits, position * v, policy.shape().usedVocab());
      out[a] = logp[s.targets[s.firstAction + a]];
    }
    return out;
  }

  static double[] logSoftmax(float[] logits, int base, int used) {
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

  /** The samples in micro-batches. */
  List<Chunk> chunks(List<PpoSample> samples) {
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < samples.size(); i += config.microBatchSize()) {
      chunks.add(
          new Chunk(samples.subList(i, Math.min(samples.size(), i + config.microBatchSize()))));
    }
    return chunks;
  }

  /**
   * A micro-batch of samples as model input: each row cut after the chunk's last position that is
   * read (an action, or the token the reward is read at), since a causal model computes those
   * without the padding after them; short answers leave most of the context unused.
   */
  static final class Chunk {
    private final List<PpoSample> samples;
    final int time;
    final int[] ids;

    Chunk(List<PpoSample> samples) {
      this.samples = samples;
      int used = 1;
      for (PpoSample s : samples) {
        used = Math.max(used, Math.max(s.firstAction + s.actions, s.last + 1));
      }
      time = used;
      ids = new int[samples.size() * time];
      for (int r = 0; r < samples.size(); r++) {
        System.arraycopy(samples.get(r).ids, 0, ids, r * time, time);
      }
    }

    int size() {
      return samples.size();
    }

    PpoSample sample(int row) {
      return samples.get(row);
    }

    /** Flat index of a row's position. */
    int at(int row, int position) {
      return row * time + position;
    }

    Tensor logits(Gpt model) {
      return model.logits(ids, size(), time);
    }

    double[] scores(Gpt model) {
      return model.scores(ids, size(), time);
    }
  }
}
