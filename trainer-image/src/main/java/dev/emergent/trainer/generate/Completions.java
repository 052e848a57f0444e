package dev.emergent.trainer.generate;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.checkpoint.CheckpointLoader;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.checkpoint.CheckpointTokenizer;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.data.PromptFormat;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;

/** Completions of prompts by the model in a checkpoint folder, in its own vocabulary. */
public final class Completions {
  /** Plain text is sampled: greedy decoding of a small model repeats itself. */
  private static final double TEXT_TEMPERATURE = 0.8;

  private static final int TEXT_TOP_K = 40;

  /**
   * New tokens at most, unless asked otherwise: room for any answer of the arithmetic task and its
   * END ({@code emergent generate}'s default, and the report's answers).
   */
  public static final int DEFAULT_MAX_NEW_TOKENS = 32;

  private Completions() {}

  /**
   * {@link #continuing} with {@code text}, else {@link #of}: what {@code emergent generate} does.
   */
  public static List<String> of(
      Path checkpoint, List<String> prompts, boolean text, int maxNewTokens) throws IOException {
    return text
        ? continuing(checkpoint, prompts, maxNewTokens)
        : of(checkpoint, prompts, maxNewTokens);
  }

  /** Greedy answers in the prompt format: BEGIN PROMPT prompt RESPONSE … */
  public static List<String> of(Path checkpoint, List<String> prompts, int maxNewTokens)
      throws IOException {
    return complete(
        checkpoint, prompts, PromptFormat::prompt, Generator.Sampling::greedy, maxNewTokens);
  }

  /** Continuations of plain text, as pretraining saw it: BEGIN text … */
  public static List<String> continuing(Path checkpoint, List<String> prompts, int maxNewTokens)
      throws IOException {
    return complete(
        checkpoint,
        prompts,
        (format, prompt) -> {
          int[] text = format.tokenizer().encode(prompt);
          int[] ids = new int[text.length + 1];
          ids[0] = Tokens.BEGIN;
          System.arraycopy(text, 0, ids, 1, text.length);
          return ids;
        },
        room -> new Generator.Sampling(TEXT_TEMPERATURE, TEXT_TOP_K, room),
        maxNewTokens);
  }

  private interface Encoding {
    int[] encode(PromptFormat format, String prompt);
  }

  private static List<String> complete(
      Path checkpoint,
      List<String> prompts,
      Encoding encoding,
      Function<Integer, Generator.Sampling> sampling,
      int maxNewTokens)
      throws IOException {
    CheckpointStore.Loaded loaded = CheckpointStore.openFolder(checkpoint);
    Gpt gpt = new Gpt(ModelShape.of(loaded.manifest().model()), Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(0);
    CheckpointLoader.loadWeights(loaded, gpt.parameters());
    PromptFormat format = new PromptFormat(CheckpointTokenizer.of(loaded));
    List<Generator.Request> requests = new ArrayList<>();
    List<Integer> fitting = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int[] ids = encoding.encode(format, prompts.get(i));
      int room = gpt.shape().contextLength() - ids.length;
      if (room >= 1) {
        requests.add(
            new Generator.Request(
                ids, sampling.apply(Math.min(room, maxNewTokens)), new SplittableRandom(0)));
        fitting.add(i);
      }
    }
    List<Generator.Completion> done = new Generator(gpt).completeAll(requests);
    List<String> completions = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      int at = fitting.indexOf(i);
      completions.add(
          at < 0
              ? "(prompt longer than the context)"
              : format.tokenizer().decode(done.get(at).tokens()));
    }
    return completions;
  }
}
