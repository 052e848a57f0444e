package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.Manifest;
import dev.emergent.trainer.data.ArithmeticCorpus;
import dev.emergent.trainer.data.ArithmeticPostTraining;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.JsonlPostTraining;
import dev.emergent.trainer.data.JsonlTextCorpus;
import dev.emergent.trainer.data.PostTrainingData;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.data.StepBatches;
import dev.emergent.trainer.data.TextCorpus;
import dev.emergent.trainer.shards.ShardBatches;
import dev.emergent.trainer.shards.TokenShards;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
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

  /**
   * Pretraining text: built-in, {"text"} records, or a folder of prepared shards, read on from the
   * position the checkpoint {@code state} saved.
   */
  static StepBatches pretraining(
      StageConfig config, Path dataRoot, BpeTokenizer tokenizer, Manifest.TrainingState state)
      throws IOException {
    int time = config.model().contextLength();
    String path = config.data().path();
    if (path != null && Files.isDirectory(dataRoot.resolve(path))) {
      long position =
          state.dataPosition() != null
              ? state.dataPosition()
              : state.nextStep() * config.batchSize();
      return new ShardBatches(
          TokenShards.open(dataRoot.resolve(path), tokenizer.sha256()),
          config.seed(),
          time,
          config.batchSize(),
          state.nextStep(),
          position);
    }
    TextCorpus corpus =
        source(
            config,
            dataRoot,
            task -> new ArithmeticCorpus(task, tokenizer),
            (file, seed, heldOut) -> new JsonlTextCorpus(file, seed, heldOut, tokenizer));
    return new PretrainingBatches(corpus, config.seed(), time);
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
