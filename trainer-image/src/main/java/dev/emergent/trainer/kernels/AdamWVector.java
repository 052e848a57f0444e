package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.splitVectors;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link AdamWKernel} on float vectors; returns how many leading elements it updated. */
final class AdamWVector {
  private AdamWVector() {}

  static int update(
      AdamWKernel.Step step,
      INDArray valueArray,
      INDArray gradArray,
      INDArray firstArray,
      INDArray secondArray,
      INDArray maskArray,
      int n) {
    ByteBuffer values = Memory.of(valueArray);
    ByteBuffer grads = Memory.of(gradArray);
    ByteBuffer first = Memory.of(firstArray);
    ByteBuffer second = Memory.of(secondArray);
    ByteBuffer mask = Memory.of(maskArray);
    float beta1 = (float) step.beta1();
    float beta2 = (float) step.beta2();
    float decay = (float) (step.learningRate() * step.weightDecay());
    float rate = (float) (step.learningRate() / step.correction1());
    float inverseCorrection2 = (float) (1 / step.correction2());
    float epsilon = (float) step.epsilon();
    return splitVectors(
        n,
        5,
        (from, to) -> {
          for (int i = from; i < to; i += WIDTH) {
            int at = i << 2;
            FloatVector g = FloatVector.fromByteBuffer(S, grads, at, ORDER);
            FloatVector m =
                FloatVector.fromByteBuffer(S, first, at, ORDER).mul(beta1).add(g.mul(1 - beta1));
            FloatVector v =
                FloatVector.fromByteBuffer(S, second, at, ORDER)
                    .mul(beta2)
                    .add(g.mul(g).mul(1 - beta2));
            m.intoByteBuffer(first, at, ORDER);
            v.intoByteBuffer(second, at, ORDER);
            FloatVector kept =
                FloatVector.fromByteBuffer(S, mask, at, ORDER)
                    .mul(-decay)
                    .add(1f)
                    .mul(FloatVector.fromByteBuffer(S, values, at, ORDER));
            FloatVector denominator = v.mul(inverseCorrection2).sqrt().add(epsilon);
            kept.sub(m.mul(rate).div(denominator)).intoByteBuffer(values, at, ORDER);
          }
        });
  }
}
