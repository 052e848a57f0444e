package dev.emergent.trainer.model;

import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Parameters;

/** x·W1 + b1 -> GELU -> ·W2 + b2, widening to ffn in between. */
public final class Mlp {
  private final Linear fc; // [D] -> [F]
  private final Gelu gelu;
  private final Linear proj; // [F] -> [D]

  private final TensorParallel tp;

  /**
   * On a model axis of size m each rank holds F/m columns of the first layer and the matching rows
   * of the second (Megatron's column- then row-parallel pair), so GELU needs no communication.
   */
  public Mlp(
      Parameters.Builder params,
      String name,
      int dModel,
      int ffn,
      double projStd,
      TensorParallel tp) {
    this.tp = tp;
    gelu = new Gelu(params.compute());
    long local = ffn / tp.size();
    fc = Linear.columnParallel(params, name + ".fc", dModel, local, 0.02, 1, tp);
    proj = Linear.rowParallel(params, name + ".proj", local, dModel, projStd, tp);
  }

  /** x [N, D] -> [N, D]; one all-reduce over the model axis. */
  public Tensor forward(Tensor x) {
    return tp.allReduce(proj.forward(gelu.forward(fc.forward(x))));
  }

  /** dy [N, D] -> dx [N, D]; one all-reduce over the model axis. */
  public Tensor backward(Tensor dy) {
    return tp.allReduce(fc.backward(gelu.backward(proj.backward(dy))));
  }
}
