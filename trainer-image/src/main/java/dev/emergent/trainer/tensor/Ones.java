package dev.emergent.trainer.tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Rows of ones for sums as products, one per type and length, made once. */
final class Ones {
  private static final Map<String, INDArray> ROWS = new ConcurrentHashMap<>();

  private Ones() {}

  static INDArray row(DataType type, long length) {
    return ROWS.computeIfAbsent(type + ":" + length, k -> Nd4j.ones(type, 1, length));
  }
}
