package dev.emergent.trainer.optim;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;

/** Scales gradients down to a global L2 norm, as torch.nn.utils.clip_grad_norm_ does. */
public final class GradientClipping {
  private GradientClipping() {}

  /** Clips in place and returns the norm before clipping. */
  public static double clip(Compute compute, Tensor grads, double maxNorm) {
    return clip(compute, grads, Math.sqrt(compute.sumOfSquares(grads)), maxNorm);
  }

  /**
   * Clips in place, given the global norm (which on a model axis spans every rank's shards), and
   * returns it.
   */
  public static double clip(Compute compute, Tensor grads, double norm, double maxNorm) {
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      compute.scale(grads, coefficient);
    }
    return norm;
  }
}
