package dev.emergent.trainer.generate;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.model.Gpt;
import java.util.Arrays;
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

  public Score of(Gpt gpt) {
    Generator generator = new Generator(gpt);
    int asked = 0;
    int right = 0;
    double logLikelihood = 0;
    long answerTokens = 0;
    for (int i = 0; i < PROMPTS; i++) {
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
        for (double logp : generator.logLikelihoods(prompt, ended)) {
          logLikelihood += logp;
        }
        answerTokens += ended.length;
      }
      int maxNew = Math.min(room, answer.length + 2);
      Generator.Completion completion =
          generator.complete(prompt, Generator.Sampling.greedy(maxNew), new SplittableRandom(i));
      asked++;
      if (completion.ended() && format.tokenizer().decode(completion.tokens()).equals(q.answer())) {
        right++;
      }
    }
    return new Score(
        asked == 0 ? 0 : (double) right / asked,
        answerTokens == 0 ? 0 : logLikelihood / answerTokens);
  }

  /** Held-out question {@code index}, the same for every call. */
  public PostTrainingData.Question question(int index) {
    return questions.question(new SplittableRandom(Seeds.mix(seed, -7, index)), true);
  }
}
