package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The float-array kernels the CUDA backend is checked against compute what the trainer's do. */
class HostKernelsTest {
  private static final float TOLERANCE = 2e-5f;

  private static INDArray random(long seed, long... shape) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.FLOAT, shape);
  }

  private static void same(float[] host, INDArray trainer) {
    assertThat(host).containsExactly(trainer.data().asFloat(), within(TOLERANCE));
  }

  @Test
  void layerNormForwardAndBackward() {
    int rows = 7;
    int dim = 37;
    INDArray x = random(1, rows, dim);
    INDArray gain = random(2, dim);
    INDArray shift = random(3, dim);
    INDArray normalized = Nd4j.create(DataType.FLOAT, rows, dim);
    INDArray y = Nd4j.create(DataType.FLOAT, rows, dim);
    double[] inverseStd = new double[rows];
    LayerNormKernel.forward(x, gain, shift, 1e-5, normalized, inverseStd, y);
    float[] hostNormalized = new float[rows * dim];
    float[] hostY = new float[rows * dim];
    double[] hostInverseStd = new double[rows];
    HostKernels.layerNormForward(
        x.data().asFloat(),
        gain.data().asFloat(),
        shift.data().asFloat(),
        1e-5,
        hostNormalized,
        hostInverseStd,
        hostY);
    same(hostY, y);
    same(hostNormalized, normalized);

    INDArray dy = random(4, rows, dim);
    INDArray dx = Nd4j.create(DataType.FLOAT, rows, dim);
    INDArray gainGrad = Nd4j.create(DataType.FLOAT, dim);
    INDArray shiftGrad = Nd4j.create(DataType.FLOAT, dim);
    LayerNormKernel.backward(dy, normalized, inverseStd, gain, dx, gainGrad, shiftGrad);
    float[] hostDx = new float[rows * dim];
    float[] hostGainGrad = new float[dim];
    float[] hostShiftGrad = new float[dim];
    HostKernels.layerNormBackward(
        dy.data().asFloat(),
        hostNormalized,
        hostInverseStd,
        gain.data().asFloat(),
        hostDx,
        hostGainGrad,
        hostShiftGrad);
    same(hostDx, dx);
    same(hostGainGrad, gainGrad);
    same(hostShiftGrad, shiftGrad);
  }

  @Test
  void causalSoftmaxForwardAndBackward() {
    int time = 9;
    INDArray scores = random(5, 2 * 3 * time, time);
    float[] hostProbs = scores.data().asFloat();
    CausalSoftmaxKernel.forward(scores, time);
    HostKernels.causalSoftmaxForward(hostProbs, time);
    same(hostProbs, scores);

    INDArray dprobs = random(6, 2 * 3 * time, time);
    float[] hostGrads = dprobs.data().asFloat();
    CausalSoftmaxKernel.backward(dprobs, scores, time);
    HostKernels.causalSoftmaxBackward(hostGrads, hostProbs, time);
    same(hostGrads, dprobs);
  }

  @Test
  void geluAndAdamW() {
    int n = 301;
    INDArray x = random(7, n);
    INDArray y = Nd4j.create(DataType.FLOAT, n);
    INDArray t = Nd4j.create(DataType.FLOAT, n);
    GeluKernel.forward(x, y, t);
    float[] hostY = new float[n];
    float[] hostT = new float[n];
    HostKernels.geluForward(x.data().asFloat(), hostY, hostT);
    same(hostY, y);

    INDArray dy = random(8, n);
    INDArray dx = Nd4j.create(DataType.FLOAT, n);
    GeluKernel.backward(dy, x, t, dx);
    float[] hostDx = new float[n];
    HostKernels.geluBackward(dy.data().asFloat(), x.data().asFloat(), hostT, hostDx);
    same(hostDx, dx);

    AdamWKernel.Step step = new AdamWKernel.Step(1e-3, 0.1, 0.9, 0.95, 1e-8, 0.1, 0.05);
    INDArray values = random(9, n);
    INDArray grads = random(10, n);
    INDArray first = random(11, n).muli(0.1);
    INDArray second = random(12, n).muli(0.01).mul(random(12, n));
    INDArray mask = Nd4j.ones(DataType.FLOAT, n);
    float[][] host = {
      values.data().asFloat(),
      grads.data().asFloat(),
      first.data().asFloat(),
      second.data().asFloat(),
      mask.data().asFloat()
    };
    AdamWKernel.update(step, values, grads, first, second, mask);
    HostKernels.adamW(step, host[0], host[1], host[2], host[3], host[4]);
    same(host[0], values);
    same(host[2], first);
    same(host[3], second);
  }
}
