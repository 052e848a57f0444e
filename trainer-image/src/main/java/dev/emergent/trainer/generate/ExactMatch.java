package dev.emergent.trainer.generate;

import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.model.Gpt;
import java.util.SplittableRandom;

/**
 * Fraction of held-out prompts whose greedy completion is exactly the known answer: the metric that
 * says whether a model can do the task, where per-token accuracy only says it is close.
 */
public final class ExactMatch {
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

  public double of(Gpt gpt) {
    Generator generator = new Generator(gpt);
    int asked = 0;
    int right = 0;
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
      int maxNew = Math.min(room, format.tokenizer().encode(q.answer()).length + 2);
      Generator.Completion completion =
          generator.complete(prompt, Generator.Sampling.greedy(maxNew), new SplittableRandom(i));
      asked++;
      if (completion.ended() && format.tokenizer().decode(completion.tokens()).equals(q.answer())) {
        right++;
      }
    }
    return asked == 0 ? 0 : (double) right / asked;
  }

  /** Held-out question {@code index}, the same for every call. */
  public PostTrainingData.Question question(int index) {
    return questions.question(new SplittableRandom(Seeds.mix(seed, -7, index)), true);
  }
}
