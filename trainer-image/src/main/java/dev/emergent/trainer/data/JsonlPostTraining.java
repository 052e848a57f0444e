package dev.emergent.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * User post-training data from JSONL: {"prompt","completion"} demonstrations (which also serve as
 * questions with known answers), {"prompt","chosen","rejected"} preferences, {"prompt"} prompts.
 * Records are held out by a hash of their line.
 */
public final class JsonlPostTraining {
  private JsonlPostTraining() {}

  public static Demonstrations demonstrations(Path file, long seed, double heldOutFraction)
      throws IOException {
    Split split =
        Split.of(
            JsonlRecords.read(file, List.of("prompt", "completion")), seed, heldOutFraction, file);
    return new Demonstrations(split);
  }

  public static Preferences preferences(Path file, long seed, double heldOutFraction)
      throws IOException {
    Split split =
        Split.of(
            JsonlRecords.read(file, List.of("prompt", "chosen", "rejected")),
            seed,
            heldOutFraction,
            file);
    return new Preferences(split);
  }

  public static Prompts prompts(Path file, long seed, double heldOutFraction) throws IOException {
    return new Prompts(
        Split.of(JsonlRecords.read(file, List.of("prompt")), seed, heldOutFraction, file));
  }

  /** Demonstrations; as questions, their completion is the answer. */
  public record Demonstrations(Split split) implements PostTrainingData.Examples {
    @Override
    public PostTrainingData.Demonstration demonstration(SplittableRandom random, boolean heldOut) {
      JsonlRecords.Line line = split.draw(random, heldOut);
      return new PostTrainingData.Demonstration(line.text("prompt"), line.text("completion"));
    }

    @Override
    public PostTrainingData.Question question(SplittableRandom random, boolean heldOut) {
      JsonlRecords.Line line = split.draw(random, heldOut);
      return new PostTrainingData.Question(line.text("prompt"), line.text("completion"));
    }
  }

  /** Preference pairs. */
  public record Preferences(Split split) implements PostTrainingData.Preferences {
    @Override
    public PostTrainingData.Preference preference(SplittableRandom random, boolean heldOut) {
      JsonlRecords.Line line = split.draw(random, heldOut);
      return new PostTrainingData.Preference(
          line.text("prompt"), line.text("chosen"), line.text("rejected"));
    }
  }

  /** Prompts without answers. */
  public record Prompts(Split split) implements PostTrainingData.Questions {
    @Override
    public PostTrainingData.Question question(SplittableRandom random, boolean heldOut) {
      return new PostTrainingData.Question(split.draw(random, heldOut).text("prompt"), null);
    }
  }

  /** Records in a training and a held-out list (the training list when nothing is held out). */
  public record Split(List<JsonlRecords.Line> train, List<JsonlRecords.Line> heldOut) {
    static Split of(List<JsonlRecords.Line> lines, long seed, double fraction, Path file) {
      List<JsonlRecords.Line> train = new ArrayList<>();
      List<JsonlRecords.Line> held = new ArrayList<>();
      for (JsonlRecords.Line line : lines) {
        ((Seeds.mix(seed, line.number()) >>> 11) * 0x1.0p-53 < fraction ? held : train).add(line);
      }
      if (train.isEmpty()) {
        throw new BadInputException(file + ": no training records left after holding out records");
      }
      return new Split(train, held.isEmpty() ? train : held);
    }

    JsonlRecords.Line draw(SplittableRandom random, boolean heldOut) {
      List<JsonlRecords.Line> from = heldOut ? this.heldOut : train;
      return from.get(random.nextInt(from.size()));
    }
  }
}
