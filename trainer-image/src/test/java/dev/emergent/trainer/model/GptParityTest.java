package dev.emergent.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.optim.GradientClipping;
import dev.emergent.trainer.tensor.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer against PyTorch on a tiny model: logits, loss, every gradient and ten AdamW steps,
 * within 1e-4. The fixture comes from tools/parity_fixture.py.
 */
class GptParityTest {
  private static final double TOLERANCE = 1e-4;
  private static JsonNode fixture;

  @BeforeAll
  static void readFixture() throws IOException {
    try (InputStream in = GptParityTest.class.getResourceAsStream("/parity/tiny.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
  }

  private static Gpt modelWithFixtureWeights() {
    JsonNode s = fixture.get("shape");
    Gpt gpt =
        new Gpt(
            new ModelShape(
                s.get("layers").asInt(),
                s.get("dModel").asInt(),
                s.get("heads").asInt(),
                s.get("ffn").asInt(),
                s.get("contextLength").asInt(),
                s.get("usedVocab").asInt(),
                s.get("vocab").asInt()),
            Compute.cpu(DataType.FLOAT));
    JsonNode weights = fixture.get("parameters");
    assertThat(weights.size()).isEqualTo(gpt.parameters().list().size());
    for (Parameter p : gpt.parameters().list()) {
      CpuTensor.array(p.value()).assign(array(weights.get(p.name()), p.shape()));
    }
    return gpt;
  }

  private static Batch batch() {
    JsonNode b = fixture.get("batch");
    List<Integer> inputs = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    b.get("inputs").forEach(n -> inputs.add(n.asInt()));
    b.get("targets").forEach(n -> targets.add(n.asInt()));
    b.get("weights").forEach(n -> weights.add(n.asDouble()));
    return new Batch(
        b.get("size").asInt(),
        b.get("time").asInt(),
        inputs.stream().mapToInt(Integer::intValue).toArray(),
        targets.stream().mapToInt(Integer::intValue).toArray(),
        weights.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static INDArray array(JsonNode values, long... shape) {
    double[] data = new double[values.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = values.get(i).asDouble();
    }
    return Nd4j.create(data, shape, DataType.FLOAT);
  }

  private static void assertClose(String what, INDArray actual, JsonNode expected) {
    INDArray flat = actual.reshape(actual.length());
    assertThat(flat.length()).as(what).isEqualTo(expected.size());
    double worst = 0;
    for (int i = 0; i < expected.size(); i++) {
      worst = Math.max(worst, Math.abs(flat.getDouble(i) - expected.get(i).asDouble()));
    }
    assertThat(worst).as("%s: largest difference from PyTorch", what).isLessThan(TOLERANCE);
  }

  @Test
  void logitsLossAndEveryGradientMatchPyTorch() {
    Gpt gpt = modelWithFixtureWeights();
    Batch batch = batch();

    gpt.parameters().zeroGrads();
    double loss = gpt.forward(batch, batch.weightSum());
    INDArray logits = CpuTensor.array(gpt.logits(batch.inputs(), batch.size(), batch.time())).dup();
    gpt.forward(batch, batch.weightSum());
    gpt.backward();

    assertThat(loss).isCloseTo(fixture.get("loss").asDouble(), within(TOLERANCE));
    assertClose("logits", logits, fixture.get("logits"));
    for (Parameter p : gpt.parameters().list()) {
      assertClose(
          "gradient of " + p.name(),
          CpuTensor.array(p.grad()),
          fixture.get("gradients").get(p.name()));
    }
  }

  @Test
  void tenAdamWStepsWithClippingFollowPyTorch() {
    Gpt gpt = modelWithFixtureWeights();
    Batch batch = batch();
    JsonNode adamw = fixture.get("adamw");
    AdamW optimizer =
        new AdamW(
            gpt.parameters(),
            adamw.get("beta1").asDouble(),
            adamw.get("beta2").asDouble(),
            adamw.get("epsilon").asDouble(),
            adamw.get("weightDecay").asDouble());

    List<Double> losses = new ArrayList<>();
    for (int step = 0; step < adamw.get("losses").size(); step++) {
      gpt.parameters().zeroGrads();
      losses.add(gpt.forward(batch, batch.weightSum()));
      gpt.backward();
      GradientClipping.clip(
          gpt.compute(), gpt.parameters().grads(), adamw.get("clipNorm").asDouble());
      optimizer.step(adamw.get("learningRate").asDouble());
    }

    for (int step = 0; step < losses.size(); step++) {
      assertThat(losses.get(step))
          .as("loss of step %d", step)
          .isCloseTo(adamw.get("losses").get(step).asDouble(), within(TOLERANCE));
    }
  }
}
