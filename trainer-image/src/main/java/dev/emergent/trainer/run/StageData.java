package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.data.ArithmeticCorpus;
import dev.emergent.trainer.data.ArithmeticPostTraining;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.JsonlPostTraining;
import dev.emergent.trainer.data.JsonlTextCorpus;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.data.TextCorpus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/** The batches a stage trains on, from its data source. */
final class StageData {
  private StageData() {}

  /**
   * SFT demonstrations, which also serve as exact-match questions: built-in, or
   * {"prompt","completion"} records.
   */
  static PostTrainingData.Examples demonstrations(StageConfig config, Path dataRoot)
      throws IOException {
    return source(config, dataRoot, ArithmeticPostTraining::new, JsonlPostTraining::demonstrations);
  }

  /** PPO prompts: built-in (with answers), or {"prompt"} records. */
  static PostTrainingData.Questions prompts(StageConfig config, Path dataRoot) throws IOException {
    return source(config, dataRoot, ArithmeticPostTraining::new, JsonlPostTraining::prompts);
  }

  /** Preference pairs: built-in, or {"prompt","chosen","rejected"} records. */
  static PostTrainingData.Preferences preferences(StageConfig config, Path dataRoot)
      throws IOException {
    return source(config, dataRoot, ArithmeticPostTraining::new, JsonlPostTraining::preferences);
  }

  static PretrainingBatches pretraining(StageConfig config, Path dataRoot) throws IOException {
    TextCorpus corpus = source(config, dataRoot, ArithmeticCorpus::new, JsonlTextCorpus::new);
    return new PretrainingBatches(corpus, config.seed(), config.model().contextLength());
  }

  /** Reads a JSONL file with the stage's seed and held-out fraction. */
  private interface JsonlSource<T> {
    T read(Path file, long seed, double heldOutFraction) throws IOException;
  }

  /** The stage's data: the built-in arithmetic task, or a JSONL file below the data root. */
  private static <T> T source(
      StageConfig config, Path dataRoot, Function<ArithmeticTask, T> builtin, JsonlSource<T> jsonl)
      throws IOException {
    StageConfig.Data data = config.data();
    if ("arithmetic".equals(data.builtin())) {
      return builtin.apply(
          new ArithmeticTask(data.operandDigits(), config.seed(), data.heldOutFraction()));
    }
    if (data.path() == null) {
      throw new BadInputException("stage " + config.stage() + " has no data source");
    }
    return jsonl.read(dataRoot.resolve(data.path()), config.seed(), data.heldOutFraction());
  }
}
