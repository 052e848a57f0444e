package dev.emergent.trainer.run;

import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.optim.AdamW;

/**
 * The end of every training step, the same for every stage type and model: the gradients of all
 * data ranks summed, clipped to the global norm, checked, and applied by AdamW. A NaN or infinite
 * norm stops the stage before the update could spread it into the weights.
 */
final class OptimizerStep {
  private OptimizerStep() {}

  /** Applies the model's accumulated gradients and returns their norm before clipping. */
  static double apply(
      long step,
      Gpt model,
      AdamW optimizer,
      DataParallel dataParallel,
      double clipNorm,
      double learningRate) {
    dataParallel.allReduceGradients(model.parameters());
    double gradNorm = model.clipGradients(clipNorm);
    if (!Double.isFinite(gradNorm)) {
      throw new LossDivergedException(step, gradNorm);
    }
    optimizer.step(learningRate);
    return gradNorm;
  }
}
