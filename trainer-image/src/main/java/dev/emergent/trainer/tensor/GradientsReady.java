package dev.emergent.trainer.tensor;

/**
 * Told by a backward pass when a range of the flat gradient buffer ({@link Parameters#grads()}) is
 * final for this step, so that its all-reduce can start while the pass goes on.
 */
@FunctionalInterface
public interface GradientsReady {
  /** For passes whose gradients are not final yet (all micro-batches but the last). */
  GradientsReady NONE = (from, to) -> {};

  /** Elements [from, to) of the gradient buffer will not change again before the update. */
  void ready(long from, long to);
}
