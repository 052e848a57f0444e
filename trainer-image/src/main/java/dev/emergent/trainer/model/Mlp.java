package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Parameters;
import org.nd4j.linalg.api.ndarray.INDArray;

/** x·W1 + b1 -> GELU -> ·W2 + b2, widening to ffn in between. */
public final class Mlp {
  private final Linear fc; // [D] -> [F]
  private final Gelu gelu = new Gelu();
  private final Linear proj; // [F] -> [D]

  public Mlp(Parameters.Builder params, String name, int dModel, int ffn, double projStd) {
    fc = new Linear(params, name + ".fc", dModel, ffn, 0.02);
    proj = new Linear(params, name + ".proj", ffn, dModel, projStd);
  }

  /** x [N, D] -> [N, D]. */
  public INDArray forward(INDArray x) {
    return proj.forward(gelu.forward(fc.forward(x)));
  }

  /** dy [N, D] -> dx [N, D]. */
  public INDArray backward(INDArray dy) {
    return fc.backward(gelu.backward(proj.backward(dy)));
  }
}
