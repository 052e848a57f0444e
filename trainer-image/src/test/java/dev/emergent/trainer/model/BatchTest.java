package dev.emergent.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.trainer.compute.Compute;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** A batch cut after its last weighted position trains exactly as the whole batch. */
class BatchTest {
  private static final ModelShape SHAPE = new ModelShape(2, 8, 2, 16, 10, 11, 12);

  @Test
  void trimmedBatchHasTheSameLossAndGradientsForLessCompute() {
    Batch whole = GptGradientTest.randomBatch(SHAPE, 3, 10);
    double[] weights = whole.weights().clone();
    Arrays.fill(weights, 0);
    weights[2] = 1; // row 0 predicts at positions 2..3, row 2 at 5..6: rows end at position 6
    weights[3] = 1;
    weights[2 * 10 + 5] = 0.5;
    weights[2 * 10 + 6] = 1;
    Batch padded = new Batch(3, 10, whole.inputs(), whole.targets(), weights);

    Batch trimmed = padded.trimmed();

    assertThat(trimmed.time()).isEqualTo(7);
    assertThat(trimmed.weightSum()).isEqualTo(padded.weightSum());
    assertThat(Arrays.copyOfRange(trimmed.inputs(), 7, 14))
        .containsExactly(Arrays.copyOfRange(padded.inputs(), 10, 17));
    double[] full = lossAndGradients(padded);
    double[] cut = lossAndGradients(trimmed);
    for (int i = 0; i < full.length; i++) {
      assertThat(cut[i]).as("element %d", i).isCloseTo(full[i], within(1e-12));
    }
  }

  @Test
  void batchWhoseLastPositionCountsIsKept() {
    Batch batch = GptGradientTest.randomBatch(SHAPE, 2, 10);
    assertThat(batch.trimmed()).isSameAs(batch);
  }

  /** The loss followed by every parameter gradient, in double precision. */
  private static double[] lossAndGradients(Batch batch) {
    Gpt gpt = new Gpt(SHAPE, Compute.cpu(DataType.DOUBLE));
    gpt.parameters().initialize(3);
    gpt.parameters().zeroGrads();
    double loss = gpt.forward(batch, batch.weightSum());
    gpt.backward();
    double[] grads = gpt.compute().toDoubles(gpt.parameters().grads());
    double[] out = new double[grads.length + 1];
    out[0] = loss;
    System.arraycopy(grads, 0, out, 1, grads.length);
    return out;
  }
}
