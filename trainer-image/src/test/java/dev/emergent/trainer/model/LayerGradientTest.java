package dev.emergent.trainer.model;

import static dev.emergent.trainer.model.GradientCheck.check;
import static dev.emergent.trainer.model.GradientCheck.project;
import static dev.emergent.trainer.model.GradientCheck.random;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Every layer's backward against finite differences of its forward, inputs and parameters. */
class LayerGradientTest {
  private static final int BATCH = 2;
  private static final int TIME = 5;
  private static final int N = BATCH * TIME;
  private static final int D = 8;

  /**
   * Checks dInput and every parameter gradient of a layer built by {@code make} for the scalar Σ
   * forward(x) ⊙ r.
   */
  private static <L> void checkLayer(
      String name,
      Function<Parameters.Builder, L> make,
      Function<L, Function<Tensor, Tensor>> forward,
      Function<L, Function<Tensor, Tensor>> backward,
      long[] inputShape,
      long[] outputShape) {
    Parameters.Builder builder = Parameters.builder(Compute.cpu(DataType.DOUBLE));
    L layer = make.apply(builder);
    Parameters params = builder.build();
    params.initialize(7);
    // Random, not initial, gains and biases: a gain of exactly 1 hides mistakes.
    if (params.count() > 0) {
      CpuTensor.array(params.values()).addi(random(3, params.count()).muli(0.3));
    }
    INDArray x = random(1, inputShape);
    INDArray r = random(2, outputShape);

    params.zeroGrads();
    forward.apply(layer).apply(new CpuTensor(x));
    INDArray dx = CpuTensor.array(backward.apply(layer).apply(new CpuTensor(r))).dup();
    DoubleSupplier f = () -> project(forward.apply(layer).apply(new CpuTensor(x)), r);

    check(name + " input", f, x, dx, 200);
    for (Parameter p : params.list()) {
      check(name + " " + p.name(), f, p.value(), p.grad(), 200);
    }
  }

  @Test
  void linear() {
    checkLayer(
        "linear",
        b -> new Linear(b, "fc", D, 6, 0.5),
        l -> l::forward,
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, 6});
  }

  @Test
  void layerNorm() {
    checkLayer(
        "layer norm",
        b -> new LayerNorm(b, "ln", D),
        l -> l::forward,
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, D});
  }

  @Test
  void gelu() {
    checkLayer(
        "gelu",
        b -> new Gelu(b.compute()),
        l -> l::forward,
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, D});
  }

  @Test
  void causalSelfAttention() {
    checkLayer(
        "attention",
        b -> new CausalSelfAttention(b, "attn", D, 2, 0.5, TensorParallel.single()),
        l -> x -> l.forward(x, BATCH, TIME),
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, D});
  }

  /**
   * Beyond 64 positions the products go by blocks of queries and of keys. One narrow sequence: the
   * finite differences of a sum over many more outputs would lose the digits the check needs.
   */
  @Test
  void causalSelfAttentionOverSeveralBlocksOfQueries() {
    int time = 64 + 3;
    int width = 4;
    checkLayer(
        "attention in blocks",
        b -> new CausalSelfAttention(b, "attn", width, 2, 0.5, TensorParallel.single()),
        l -> x -> l.forward(x, 1, time),
        l -> l::backward,
        new long[] {time, width},
        new long[] {time, width});
  }

  @Test
  void mlp() {
    checkLayer(
        "mlp",
        b -> new Mlp(b, "mlp", D, 16, 0.5, TensorParallel.single()),
        l -> l::forward,
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, D});
  }

  @Test
  void block() {
    checkLayer(
        "block",
        b -> new Block(b, "h.0", D, 2, 16, 2, TensorParallel.single()),
        l -> x -> l.forward(x, BATCH, TIME),
        l -> l::backward,
        new long[] {N, D},
        new long[] {N, D});
  }
}
