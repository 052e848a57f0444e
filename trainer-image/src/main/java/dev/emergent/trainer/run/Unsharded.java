package dev.emergent.trainer.run;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointLoader;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tensor.Parameters;
import java.io.IOException;
import java.util.List;

/**
 * The whole model next to one rank's shards of it. Checkpoints always hold whole tensors, so that a
 * checkpoint saved on one mesh loads on any other: shards are gathered over the model axis before a
 * save and sliced out of the whole after a load. Generation also runs on the whole model. On a
 * model axis of one the rank's model is the whole and nothing is copied.
 */
final class Unsharded {
  private final Gpt sharded;
  private final Gpt whole;
  private final StageConfig.Optimizer settings;

  Unsharded(Gpt sharded, boolean scalarHead, StageConfig.Optimizer settings) {
    this.sharded = sharded;
    this.settings = settings;
    TensorParallel tp = sharded.tensorParallel();
    this.whole = tp.size() == 1 ? sharded : new Gpt(sharded.shape(), sharded.compute(), scalarHead);
  }

  private boolean split() {
    return whole != sharded;
  }

  /** The whole model with the shards' current values; every rank of the model axis must call. */
  Gpt model() {
    if (split()) {
      sharded
          .tensorParallel()
          .gather(
              sharded.parameters(),
              sharded.parameters().values(),
              whole.parameters(),
              whole.parameters().values());
    }
    return whole;
  }

  /** What a checkpoint holds: the whole model's parameters and optimizer state. */
  record State(Parameters parameters, AdamW optimizer) {}

  /**
   * The whole model's parameters and optimizer state, assembled tensor by tensor on the first rank
   * of the model axis only: the others send their shards and get null, holding nothing whole (two
   * AdamW moments are twice the model). Every rank of the model axis must call.
   */
  State forCheckpoint(AdamW local) {
    if (!split()) {
      return new State(sharded.parameters(), local);
    }
    TensorParallel tp = sharded.tensorParallel();
    boolean first = tp.index() == 0;
    AdamW full = first ? wholeOptimizer() : null;
    Parameters parts = sharded.parameters();
    Parameters whole = this.whole.parameters();
    tp.gatherToFirst(parts, parts.values(), whole, whole.values());
    tp.gatherToFirst(parts, local.firstMoment(), whole, first ? full.firstMoment() : null);
    tp.gatherToFirst(parts, local.secondMoment(), whole, first ? full.secondMoment() : null);
    if (!first) {
      return null;
    }
    full.restore(local.steps(), full.firstMoment(), full.secondMoment());
    return new State(whole, full);
  }

  /** Restores a checkpoint of the whole model (and optimizer) into this rank's shards. */
  void load(CheckpointStore.Loaded checkpoint, AdamW local) throws IOException {
    if (!split()) {
      CheckpointLoader.load(checkpoint, sharded.parameters(), local);
      return;
    }
    AdamW full = wholeOptimizer();
    CheckpointLoader.load(checkpoint, whole.parameters(), full);
    TensorParallel.scatter(
        whole.parameters(),
        whole.parameters().values(),
        sharded.parameters(),
        sharded.parameters().values());
    TensorParallel.scatter(
        whole.parameters(), full.firstMoment(), sharded.parameters(), local.firstMoment());
    TensorParallel.scatter(
        whole.parameters(), full.secondMoment(), sharded.parameters(), local.secondMoment());
    local.restore(full.steps(), local.firstMoment(), local.secondMoment());
  }

  /** Loads another stage's weights by name into this rank's shards; see {@link CheckpointStore}. */
  List<String> loadWeights(CheckpointStore.Loaded checkpoint, long seed) throws IOException {
    if (!split()) {
      return CheckpointLoader.loadWeights(checkpoint, sharded.parameters());
    }
    // The shards were sliced from this very initialisation; tensors the checkpoint lacks keep it.
    whole.parameters().initialize(seed);
    List<String> fresh = CheckpointLoader.loadWeights(checkpoint, whole.parameters());
    TensorParallel.scatter(
        whole.parameters(),
        whole.parameters().values(),
        sharded.parameters(),
        sharded.parameters().values());
    return fresh;
  }

  private AdamW wholeOptimizer() {
    return new AdamW(
        whole.parameters(),
        settings.beta1(),
        settings.beta2(),
        settings.epsilon(),
        settings.weightDecay());
  }
}
