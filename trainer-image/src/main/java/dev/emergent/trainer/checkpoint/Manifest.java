package dev.emergent.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import java.util.List;
import java.util.Map;

/**
 * manifest.json of a checkpoint: what was saved, in which files, with each file's SHA-256. Written
 * last, so a folder with a manifest is complete.
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
    Map<String, String> sha256) {

  public static final int FORMAT = 1;
  public static final String FILE = "manifest.json";

  /** A tensor's global shape and its element offset in a rank's flat parameter file. */
  public record Tensor(String name, List<Long> shape, long offset) {}

  /** A file holding one rank's part of the parameters; {@code full} means every element. */
  public record Shard(int rank, String file, String layout, long elements) {}

  /** AdamW state: update count and the files holding the first then second moments. */
  public record Optimizer(long steps, List<String> files) {}

  /** Where training stands: the next step to run and the tokens consumed so far. */
  public record TrainingState(long nextStep, long tokensSeen) {}
}
