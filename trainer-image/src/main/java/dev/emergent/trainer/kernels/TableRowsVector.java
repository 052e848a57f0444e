package dev.emergent.trainer.kernels;

import static dev.emergent.trainer.kernels.Lanes.ORDER;
import static dev.emergent.trainer.kernels.Lanes.S;
import static dev.emergent.trainer.kernels.Lanes.WIDTH;
import static dev.emergent.trainer.kernels.Lanes.get;
import static dev.emergent.trainer.kernels.Lanes.put;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TableRowsKernel#addTo} on float vectors, on one thread: rows with the same id add to one
 * table row, so splitting the rows would race, and the pass is too short to split by columns.
 */
final class TableRowsVector {
  private TableRowsVector() {}

  static void addTo(INDArray rowArray, int[] ids, INDArray tableArray, int width) {
    ByteBuffer rows = Memory.of(rowArray);
    ByteBuffer table = Memory.of(tableArray);
    int bound = S.loopBound(width);
    for (int i = 0; i < ids.length; i++) {
      int from = i * width;
      int to = ids[i] * width;
      for (int j = 0; j < bound; j += WIDTH) {
        int at = (to + j) << 2;
        FloatVector.fromByteBuffer(S, table, at, ORDER)
            .add(FloatVector.fromByteBuffer(S, rows, (from + j) << 2, ORDER))
            .intoByteBuffer(table, at, ORDER);
      }
      for (int j = bound; j < width; j++) {
        put(table, to + j, get(table, to + j) + get(rows, from + j));
      }
    }
  }
}
