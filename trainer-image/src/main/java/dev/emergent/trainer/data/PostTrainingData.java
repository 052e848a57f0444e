package dev.emergent.trainer.data;

import java.util.SplittableRandom;

/** The examples of the post-training stages, drawn from the training or the held-out split. */
public final class PostTrainingData {
  private PostTrainingData() {}

  /** A prompt and the completion to imitate (SFT). */
  public record Demonstration(String prompt, String completion) {}

  /** A prompt and two completions, the first preferred (reward model). */
  public record Preference(String prompt, String chosen, String rejected) {}

  /** A prompt and, where known, its correct answer (exact match, PPO prompts). */
  public record Question(String prompt, String answer) {}

  /** Source of demonstrations. */
  public interface Demonstrations {
    Demonstration demonstration(SplittableRandom random, boolean heldOut);
  }

  /** Demonstrations that double as questions: the completion is the known answer. */
  public interface Examples extends Demonstrations, Questions {}

  /** Source of preference pairs. */
  public interface Preferences {
    Preference preference(SplittableRandom random, boolean heldOut);
  }

  /** Source of prompts. */
  public interface Questions {
    Question question(SplittableRandom random, boolean heldOut);
  }
}
