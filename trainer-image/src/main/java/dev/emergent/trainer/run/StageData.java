package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.data.ArithmeticCorpus;
import dev.emergent.trainer.data.ArithmeticTask;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.data.JsonlTextCorpus;
import dev.emergent.trainer.data.PretrainingBatches;
import dev.emergent.trainer.data.TextCorpus;
import java.io.IOException;
import java.nio.file.Path;

/** The batches a stage trains on, from its data source. */
final class StageData {
  private StageData() {}

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
