package dev.emergent.trainer.data;

import java.util.SplittableRandom;

/**
 * The arithmetic task for every post-training stage: demonstrations "37+45=" → "82", preference
 * pairs whose rejected answer is a plausible mistake (off by one, two or ten, or with its digits
 * swapped), and prompts with their true answers.
 */
public final class ArithmeticPostTraining
    implements PostTrainingData.Examples, PostTrainingData.Preferences {
  private static final int[] MISTAKES = {1, -1, 2, -2, 10, -10};
  private final ArithmeticTask task;

  public ArithmeticPostTraining(ArithmeticTask task) {
    this.task = task;
  }

  @Override
  public PostTrainingData.Demonstration demonstration(SplittableRandom random, boolean heldOut) {
    ArithmeticTask.Problem problem = task.draw(random, heldOut);
    return new PostTrainingData.Demonstration(problem.prompt(), problem.answer());
  }

  @Override
  public PostTrainingData.Preference preference(SplittableRandom random, boolean heldOut) {
    ArithmeticTask.Problem problem = task.draw(random, heldOut);
    return new PostTrainingData.Preference(
        problem.prompt(), problem.answer(), mistake(problem, random));
  }

  @Override
  public PostTrainingData.Question question(SplittableRandom random, boolean heldOut) {
    ArithmeticTask.Problem problem = task.draw(random, heldOut);
    return new PostTrainingData.Question(problem.prompt(), problem.answer());
  }

  static String mistake(ArithmeticTask.Problem problem, SplittableRandom random) {
    String answer = problem.answer();
    String digits = answer.replace("-", "");
    if (digits.length() >= 2 && random.nextInt(4) == 0 && digits.charAt(0) != digits.charAt(1)) {
      String swapped = digits.charAt(1) + "" + digits.charAt(0) + digits.substring(2);
      String wrong = (answer.startsWith("-") ? "-" : "") + swapped;
      if (!wrong.equals(answer) && !swapped.startsWith("0")) {
        return wrong;
      }
    }
    int value = Integer.parseInt(answer);
    return Integer.toString(value + MISTAKES[random.nextInt(MISTAKES.length)]);
  }
}
