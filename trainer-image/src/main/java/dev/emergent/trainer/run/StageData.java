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

/** The batches a stage trains on, from its data source. */
final class StageData {
  private StageData() {}

  /**
   * SFT demonstrations, which also serve as exact-match questions: built-in, or
   * {"prompt","completion"} records.
   */
  static PostTrainingData.Examples demonstrations(StageConfig config, Path dataRoot)
      throws IOException {
    StageConfig.Data data = config.data();
    if ("arithmetic".equals(data.builtin())) {
      return arithmetic(config);
    }
    return JsonlPostTraining.demonstrations(
        dataRoot.resolve(data.path()), config.seed(), data.heldOutFraction());
  }

  /** PPO prompts: built-in (with answers), or {"prompt"} records. */
  static PostTrainingData.Questions prompts(StageConfig config, Path dataRoot) throws IOException {
    StageConfig.Data data = config.data();
    if ("arithmetic".equals(data.builtin())) {
      return arithmetic(config);
    }
    return JsonlPostTraining.prompts(
        dataRoot.resolve(data.path()), config.seed(), data.heldOutFraction());
  }

  /** Preference pairs: built-in, or {"prompt","chosen","rejected"} records. */
  static PostTrainingData.Preferences preferences(StageConfig config, Path dataRoot)
      throws IOException {
    StageConfig.Data data = config.data();
    if ("arithmetic".equals(data.builtin())) {
      return arithmetic(config);
    }
    return JsonlPostTraining.preferences(
        dataRoot.resolve(data.path()), config.seed(), data.heldOutFraction());
  }

  private static ArithmeticPostTraining arithmetic(StageConfig config) {
    StageConfig.Data data = config.data();
    return new ArithmeticPostTraining(
        new ArithmeticTask(data.operandDigits(), config.seed(), data.heldOutFraction()));
  }

  static PretrainingBatches pretraining(StageConfig config, Path dataRoot) throws IOException {
    StageConfig.Data data = config.data();
    TextCorpus corpus;
    if ("arithmetic".equals(data.builtin())) {
      corpus =
          new ArithmeticCorpus(
              new ArithmeticTask(data.operandDigits(), config.seed(), data.heldOutFraction()));
    } else if (data.path() != null) {
      corpus =
          new JsonlTextCorpus(dataRoot.resolve(data.path()), config.seed(), data.heldOutFraction());
    } else {
      throw new BadInputException("stage " + config.stage() + " has no data source");
    }
    return new PretrainingBatches(corpus, config.seed(), config.model().contextLength());
  }
}
