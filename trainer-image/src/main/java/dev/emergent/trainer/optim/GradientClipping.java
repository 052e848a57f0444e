package dev.emergent.trainer.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Scales gradients down to a global L2 norm, as torch.nn.utils.clip_grad_norm_ does. */
public final class GradientClipping {
  private GradientClipping() {}

  /** Clips in place and returns the norm before clipping. */
  public static double clip(INDArray grads, double maxNorm) {
    double norm = grads.norm2Number().doubleValue();
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      grads.muli(coefficient);
    }
    return norm;
  }
}
