package dev.emergent.trainer.model;

import static dev.emergent.trainer.model.GradientCheck.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.tensor.GradientsReady;
import dev.emergent.trainer.tensor.Parameter;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The whole model's gradients, embeddings and heads included, against the loss. */
class GptGradientTest {

  @Test
  void everyParameterGradientMatchesFiniteDifferences() {
    ModelShape shape = new ModelShape(2, 8, 2, 16, 6, 11, 12);
    Gpt gpt = new Gpt(shape, Compute.cpu(DataType.DOUBLE));
    gpt.parameters().initialize(5);
    CpuTensor.array(gpt.parameters().values())
        .addi(GradientCheck.random(9, gpt.parameters().count()).muli(0.2));
    Batch batch = randomBatch(shape, 3, 6);
    double normalizer = batch.weightSum();

    gpt.parameters().zeroGrads();
    double loss = gpt.forward(batch, normalizer);
    gpt.backward();

    assertThat(loss).isBetween(1.0, 5.0);
    for (Parameter p : gpt.parameters().list()) {
      check(p.name(), () -> gpt.forward(batch, normalizer), p.value(), p.grad(), 60);
    }
  }

  /**
   * A reward model's loss with its SFT term: the scalar head's scores projected on fixed weights
   * plus the language-model head's loss, both on one pass, their hidden-state gradients added.
   */
  @Test
  void scalarAndLanguageModelHeadsOnOnePassMatchFiniteDifferences() {
    ModelShape shape = new ModelShape(2, 8, 2, 16, 6, 11, 12);
    Gpt gpt = new Gpt(shape, Compute.cpu(DataType.DOUBLE), true);
    gpt.parameters().initialize(5);
    CpuTensor.array(gpt.parameters().values())
        .addi(GradientCheck.random(9, gpt.parameters().count()).muli(0.2));
    Batch batch = randomBatch(shape, 3, 6);
    double[] scoreWeights = new SplittableRandom(3).doubles(18, -0.3, 0.3).toArray();
    DoubleSupplier loss =
        () -> {
          double[] scores = gpt.scores(batch.inputs(), batch.size(), batch.time());
          double total = gpt.lossOfHidden(batch.targets(), batch.weights(), batch.weightSum());
          for (int i = 0; i < scores.length; i++) {
            total += scoreWeights[i] * scores[i];
          }
          return total;
        };

    gpt.parameters().zeroGrads();
    loss.getAsDouble();
    Tensor dHidden =
        gpt.scalarHead().backward(gpt.compute().fromHost(scoreWeights, scoreWeights.length, 1));
    gpt.backward(dHidden, GradientsReady.NONE);

    for (Parameter p : gpt.parameters().list()) {
      check(p.name(), loss, p.value(), p.grad(), 60);
    }
  }

  static Batch randomBatch(ModelShape shape, int size, int time) {
    SplittableRandom random = new SplittableRandom(11);
    int n = size * time;
    int[] inputs = new int[n];
    int[] targets = new int[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      inputs[i] = random.nextInt(shape.usedVocab());
      targets[i] = random.nextInt(shape.usedVocab());
      weights[i] = i % 4 == 0 ? 0 : 1;
    }
    return new Batch(size, time, inputs, targets, weights);
  }
}
