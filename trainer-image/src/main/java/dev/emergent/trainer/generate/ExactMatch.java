package dev.emergent.trainer.generate;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fraction of held-out prompts whose greedy completion is exactly the known answer: the metric that
 * says whether a model can do the task, where per-token accuracy only says it is close. Next to it,
 * the mean log-likelihood per token of the known answer and its END: a continuous measure of the
 * same ability, which moves smoothly where exact match jumps (Schaeffer et al. 2023).
 */
public final class ExactMatch {
  /** Both measures over the same held-out prompts. */
  public record Score(double exactMatch, double answerLogLikelihood) {}

  /** Held-out prompts per evaluation; the same ones every time. */
  public static final int PROMPTS = 64;

  private final PostTrainingData.Questions questions;
  private final long seed;
  private final PromptFormat format;

  public ExactMatch(PostTrainingData.Questions questions, long seed, PromptFormat format) {
    this.questions = questions;
    this.seed = seed;
    this.format = format;
  }

  public PromptFormat format() {
    return format;
  }

  /**
   * Both measures, each data rank generating for its share of the prompts and the counts summed
   * over the ranks: the same numbers as one process evaluating them all, in a fraction of the time.
   */
  public Score of(Gpt gpt, DataParallel dataParallel) {
    List<Generator.Request> requests = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    List<int[]> prompts = new ArrayList<>();
    List<int[]> endedAnswers = new ArrayList<>();
    for (int i : dataParallel.share(PROMPTS)) {
      PostTrainingData.Question q = question(i);
      if (q.answer() == null) {
        continue;
      }
      int[] prompt = format.prompt(q.prompt());
      int room = gpt.shape().contextLength() - prompt.length;
      if (room < 1) {
        continue;
      }
      int[] answer = format.tokenizer().encode(q.answer());
      if (answer.length + 1 <= room) {
        int[] ended = Arrays.copyOf(answer, answer.length + 1);
        ended[answer.length] = Tokens.END;
        prompts.add(prompt);
        endedAnswers.add(ended);
      }
      int maxNew = Math.min(room, answer.length + 2);
      requests.add(
          new Generator.Request(
              prompt, Generator.Sampling.greedy(maxNew), new SplittableRandom(i)));
      answers.add(q.answer());
    }
    Generator generator = new Generator(gpt);
    List<Generator.Completion> completions = generator.completeAll(requests);
    int right = 0;
    for (int i = 0; i < completions.size(); i++) {
      Generator.Completion completion = completions.get(i);
      if (completion.ended()
          && format.tokenizer().decode(completion.tokens()).equals(answers.get(i))) {
        right++;
      }
    }
    double logLikelihood = 0;
    long answerTokens = 0;
    for (double[] logps : generator.logLikelihoods(prompts, endedAnswers)) {
      for (double logp : logps) {
        logLikelihood += logp;
      }
      answerTokens += logps.length;
    }
    double[] totals = dataParallel.sum(right, requests.size(), logLikelihood, answerTokens);
    return new Score(
        totals[1] == 0 ? 0 : totals[0] / totals[1], totals[3] == 0 ? 0 : totals[2] / totals[3]);
  }

  /** Held-out question {@code index}, the same for every call. */
  public PostTrainingData.Question question(int index) {
    return questions.question(new SplittableRandom(Seeds.mix(seed, -7, index)), true);
  }
}
