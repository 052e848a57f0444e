package dev.emergent.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import java.util.List;
import java.util.Map;

/**
 * manifest.json of a checkpoint: what was saved, in which files, with each file's SHA-256. Written
 * last, so a folder with a manifest is complete. {@code tokenizerSha256} identifies the vocabulary
 * the model was trained with (absent in checkpoints older than tokenizers: the byte vocabulary); a
 * BPE tokenizer's file is saved alongside as {@link #TOKENIZER_FILE}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int format,
    String run,
    String stage,
    String type,
    long step,
    StageConfig.Model model,
    ResolvedMesh mesh,
    String dataType,
    String byteOrder,
    List<Tensor> tensors,
    List<Shard> shards,
    Optimizer optimizer,
    TrainingState state,
    Map<String, Double> metrics,
    Map<String, String> sha256,
    String tokenizerSha256) {

  public static final int FORMAT = 1;
  public static final String FILE = "manifest.json";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** A tensor's global shape and its element offset in a rank's flat parameter file. */
  public record Tensor(String name, List<Long> shape, long offset) {}

  /** A file holding one rank's part of the parameters; {@code full} means every element. */
  public record Shard(int rank, String file, String layout, long elements) {}

  /** AdamW state: update count and the files holding the first then second moments. */
  public record Optimizer(long steps, List<String> files) {}

  /**
   * Where training stands: the next step to run, the tokens consumed so far, and for data read in
   * order (prepared shards) the samples read, so that a resumed run reads on from there.
   */
  public record TrainingState(long nextStep, long tokensSeen, Long dataPosition) {}
}
