package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.get;
import static dev.emergent.trainer.kernels.Lanes.put;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link LayerNormKernel} on float vectors, every row; returns the rows done. */
final class LayerNormVector {

  private LayerNormVector() {}

  static int forward(
      INDArray xs,
      INDArray gains,
      INDArray shifts,
      double epsilon,
      INDArray normalizedArray,
      double[] inverseStd,
      INDArray ys) {
    ByteBuffer x = Memory.of(xs);
    ByteBuffer gain = Memory.of(gains);
    ByteBuffer shift = Memory.of(shifts);
    ByteBuffer normalized = Memory.of(normalizedArray);
    ByteBuffer y = Memory.of(ys);
    int rows = (int) xs.size(0);
    int dim = (int) xs.size(1);
    Parallel.split(
        rows,
        1,
        3L * rows * dim,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            forwardRow(x, gain, shift, epsilon, normalized, inverseStd, y, r, dim);
          }
        });
    return rows;
  }

  private static void forwardRow(
      ByteBuffer x,
      ByteBuffer gain,
      ByteBuffer shift,
      double epsilon,
      ByteBuffer normalized,
      double[] inverseStd,
      ByteBuffer y,
      int r,
      int dim) {
    int bound = S.loopBound(dim);
    int base = r * dim;
    FloatVector sums = FloatVector.zero(S);
    for (int j = 0; j < bound; j += WIDTH) {
      sums = sums.add(FloatVector.fromByteBuffer(S, x, (base + j) << 2, ORDER));
    }
    float sum = Lanes.sum(sums);
    for (int j = bound; j < dim; j++) {
      sum += get(x, base + j);
    }
    float mean = sum / dim;
    FloatVector squares = FloatVector.zero(S);
    for (int j = 0; j < bound; j += WIDTH) {
      FloatVector centered = FloatVector.fromByteBuffer(S, x, (base + j) << 2, ORDER).sub(mean);
      squares = centered.fma(centered, squares);
    }
    float variance = Lanes.sum(squares);
    for (int j = bound; j < dim; j++) {
      float centered = get(x, base + j) - mean;
      variance += centered * centered;
    }
    float inverse = (float) (1 / Math.sqrt(variance / dim + epsilon));
    inverseStd[r] = inverse;
    for (int j = 0; j < bound; j += WIDTH) {
      int at = (base + j) << 2;
      FloatVector xhat = FloatVector.fromByteBuffer(S, x, at, ORDER).sub(mean).mul(inverse);
      xhat.intoByteBuffer(normalized, at, ORDER);
      int col = j << 2;
      xhat.fma(
              FloatVector.fromByteBuffer(S, gain, col, ORDER),
              FloatVector.fromByteBuffer(S, shift, col, ORDER))
          .intoByteBuffer(y, at, ORDER);
    }
    for (int j = bound; j < dim; j++) {
      float xhat = (get(x, base + j) - mean) * inverse;
      put(normalized, base + j, xhat);
      put(y, base + j, xhat * get(gain, j) + get(shift, j));
    }
  }

  static int backward(
      INDArray dys,
      INDArray normalizedArray,
      double[] inverseStd,
      INDArray gains,
      INDArray dxs,
      INDArray gainGrads,
      INDArray shiftGrads) {
    ByteBuffer dy = Memory.of(dys);
    ByteBuffer normalized = Memory.of(normalizedArray);
    ByteBuffer gain = Memory.of(gains);
    ByteBuffer dx = Memory.of(dxs);
    ByteBuffer gainGrad = Memory.of(gainGrads);
    ByteBuffer shiftGrad = Memory.of(shiftGrads);
    int rows = (int) dys.size(0);
    int dim = (int) dys.size(1);
    // Each part sums its rows' gain and shift gradients apart; the parts are added in row order
    // afterwards, so that the result does not depend on which thread finished first.
    Map<Integer, ByteBuffer[]> partSums = new ConcurrentSkipListMap<>();
    Parallel.split(
        rows,
        1,
        4L * rows * dim,
        (from, to) -> {
          ByteBuffer gainSums = Memory.scratch(dim);
          ByteBuffer shiftSums = Memory.scratch(dim);
          for (int r = from; r < to; r++) {
            backwardRow(dy, normalized, inverseStd, gain, dx, gainSums, shiftSums, r, dim);
          }
          partSums.put(from, new ByteBuffer[] {gainSums, shiftSums});
        });
    for (ByteBuffer[] sums : partSums.values()) {
      for (int j = 0; j < dim; j++) {
        put(gainGrad, j, get(gainGrad, j) + get(sums[0], j));
        put(shiftGrad, j, get(shiftGrad, j) + get(sums[1], j));
      }
    }
    return rows;
  }

  private static void backwardRow(
      ByteBuffer dy,
      ByteBuffer normalized,
      double[] inverseStd,
      ByteBuffer gain,
      ByteBuffer dx,
      ByteBuffer gainGrad,
      ByteBuffer shiftGrad,
      int r,
      int dim) {
    int bound = S.loopBound(dim);
    int base = r * dim;
    FloatVector sumsG = FloatVector.zero(S);
    FloatVector sumsGx = FloatVector.zero(S);
    for (int j = 0; j < bound; j += WIDTH) {
      int at = (base + j) << 2;
      int col = j << 2;
      FloatVector d = FloatVector.fromByteBuffer(S, dy, at, ORDER);
      FloatVector xhat = FloatVector.fromByteBuffer(S, normalized, at, ORDER);
      FloatVector g = d.mul(FloatVector.fromByteBuffer(S, gain, col, ORDER));
      sumsG = sumsG.add(g);
      sumsGx = g.fma(xhat, sumsGx);
      d.fma(xhat, FloatVector.fromByteBuffer(S, gainGrad, col, ORDER))
          .intoByteBuffer(gainGrad, col, ORDER);
      d.add(FloatVector.fromByteBuffer(S, shiftGrad, col, ORDER))
          .intoByteBuffer(shiftGrad, col, ORDER);
    }
    float sumG = Lanes.sum(sumsG);
    float sumGx = Lanes.sum(sumsGx);
    for (int j = bound; j < dim; j++) {
      float d = get(dy, base + j);
      float xhat = get(normalized, base + j);
      float g = d * get(gain, j);
      sumG += g;
      sumGx += g * xhat;
      put(gainGrad, j, get(gainGrad, j) + d * xhat);
      put(shiftGrad, j, get(shiftGrad, j) + d);
    }
    float meanG = sumG / dim;
    float meanGx = sumGx / dim;
    float inverse = (float) inverseStd[r];
    for (int j = 0; j < bound; j += WIDTH) {
      int at = (base + j) << 2;
      FloatVector g =
          FloatVector.fromByteBuffer(S, dy, at, ORDER)
              .mul(FloatVector.fromByteBuffer(S, gain, j << 2, ORDER));
      FloatVector centered =
          g.sub(meanG).sub(FloatVector.fromByteBuffer(S, normalized, at, ORDER).mul(meanGx));
      centered.mul(inverse).intoByteBuffer(dx, at, ORDER);
    }
    for (int j = bound; j < dim; j++) {
      float g = get(dy, base + j) * get(gain, j);
      put(dx, base + j, inverse * (g - meanG - get(normalized, base + j) * meanGx));
    }
  }
}
