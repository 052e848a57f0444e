package dev.emergent.trainer.generate;

import dev.emergent.trainer.checkpoint.CheckpointLoader;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.checkpoint.CheckpointTokenizer;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/** Greedy completions of prompts by the model in a checkpoint folder. */
public final class Completions {
  private Completions() {}

  public static List<String> of(Path checkpoint, List<String> prompts, int maxNewTokens)
      throws IOException {
    CheckpointStore.Loaded loaded = CheckpointStore.openFolder(checkpoint);
    Gpt gpt = new Gpt(ModelShape.of(loaded.manifest().model()), DataType.FLOAT);
    gpt.parameters().initialize(0);
    CheckpointLoader.loadWeights(loaded, gpt.parameters());
    Generator generator = new Generator(gpt);
    PromptFormat format = new PromptFormat(CheckpointTokenizer.of(loaded));
    List<String> completions = new ArrayList<>();
    for (String prompt : prompts) {
      int[] ids = format.prompt(prompt);
      int room = gpt.shape().contextLength() - ids.length;
      if (room < 1) {
        completions.add("(prompt longer than the context)");
        continue;
      }
      Generator.Completion completion =
          generator.complete(
              ids,
              Generator.Sampling.greedy(Math.min(room, maxNewTokens)),
              new SplittableRandom(0));
      completions.add(format.tokenizer().decode(completion.tokens()));
    }
    return completions;
  }
}
