package dev.emergent.trainer.checkpoint;

import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fills a model (and its optimizer) from a checkpoint that {@link CheckpointStore} verified. */
public final class CheckpointLoader {
  private CheckpointLoader() {}

  /** Loads a verified checkpoint's parameters (and, if given, the optimizer state). */
  public static void load(CheckpointStore.Loaded checkpoint, Parameters parameters, AdamW optimizer)
      throws IOException {
    Manifest manifest = checkpoint.manifest();
    if (!manifest.tensors().equals(ParameterLayout.tensors(parameters))) {
      throw new CheckpointException(
          checkpoint.folder() + " holds a model of another shape than this stage's");
    }
    if (!manifest.dataType().equals(ParameterLayout.dataTypeName(parameters.dataType()))) {
      throw new CheckpointException(
          checkpoint.folder() + " holds " + manifest.dataType() + " parameters");
    }
    ArrayFiles.read(
        checkpoint.folder().resolve(manifest.shards().get(0).file()), parameters.values());
    if (optimizer != null) {
      Path file = checkpoint.folder().resolve(manifest.optimizer().files().get(0));
      ArrayFiles.read(file, optimizer.firstMoment(), optimizer.secondMoment());
      optimizer.restore(
          manifest.optimizer().steps(), optimizer.firstMoment(), optimizer.secondMoment());
    }
  }

  /**
   * Loads the weights of a verified checkpoint by tensor name, for a stage that starts from another
   * stage's model: tensors the checkpoint lacks (a new scalar head) keep their initialisation,
   * tensors the model lacks are skipped. Returns the names left as initialised.
   */
  public static List<String> loadWeights(CheckpointStore.Loaded checkpoint, Parameters parameters)
      throws IOException {
    Manifest manifest = checkpoint.manifest();
    if (!manifest.dataType().equals(ParameterLayout.dataTypeName(parameters.dataType()))) {
      throw new CheckpointException(
          checkpoint.folder() + " holds " + manifest.dataType() + " parameters");
    }
    Tensor saved = parameters.compute().zeros(manifest.shards().get(0).elements());
    ArrayFiles.read(checkpoint.folder().resolve(manifest.shards().get(0).file()), saved);
    Map<String, Manifest.Tensor> byName = new LinkedHashMap<>();
    manifest.tensors().forEach(t -> byName.put(t.name(), t));
    List<String> fresh = new ArrayList<>();
    for (Parameter p : parameters.list()) {
      Manifest.Tensor tensor = byName.get(p.name());
      if (tensor == null) {
        fresh.add(p.name());
        continue;
      }
      if (!tensor.shape().equals(Arrays.stream(p.shape()).boxed().toList())) {
        throw new CheckpointException(
            checkpoint.folder()
                + " holds "
                + p.name()
                + " of shape "
                + tensor.shape()
                + ", this stage's model needs "
                + Arrays.toString(p.shape()));
      }
      parameters.compute().copy(saved.slice(tensor.offset(), p.shape()), p.value());
    }
    return fresh;
  }
}
