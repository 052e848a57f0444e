package dev.emergent.trainer.kernels;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a table [V, D] picked by id, and gradients added back to them: the token embedding's
 * lookup as row copies. As a product with a one-hot [N, V] matrix it cost a GEMM of N·V·D each way
 * (about a twentieth of the small benchmark model's GEMM work) to move N·D numbers.
 */
public final class TableRowsKernel {
  private TableRowsKernel() {}

  /** out [N, D]: row i is row ids[i] of table [V, D]. */
  public static void gather(INDArray table, int[] ids, INDArray out) {
    int width = requireShapes(table, ids, out);
    int rowBytes = width * table.data().getElementSize();
    ByteBuffer from = Memory.of(table);
    ByteBuffer to = Memory.of(out);
    for (int i = 0; i < ids.length; i++) {
      to.put(i * rowBytes, from, ids[i] * rowBytes, rowBytes);
    }
  }

  /** Adds row i of rows [N, D] to row ids[i] of table [V, D], in the order of i. */
  public static void addTo(INDArray rows, int[] ids, INDArray table) {
    int width = requireShapes(table, ids, rows);
    if (Vectorized.applies(rows, table)) {
      TableRowsVector.addTo(rows, ids, table, width);
    } else {
      addTo(Values.of(rows), ids, Values.of(table), width);
    }
  }

  static void addTo(Values rows, int[] ids, Values table, int width) {
    for (int i = 0; i < ids.length; i++) {
      for (int j = 0; j < width; j++) {
        table.add(ids[i] * width + j, rows.get(i * width + j));
      }
    }
  }

  /** The rows' width, once the shapes agree and every id names a row of the table. */
  private static int requireShapes(INDArray table, int[] ids, INDArray rows) {
    long vocab = table.size(0);
    int width = (int) table.size(1);
    if (rows.size(0) != ids.length || rows.size(1) != width) {
      throw new IllegalArgumentException(
          "rows of shape "
              + java.util.Arrays.toString(rows.shape())
              + " for "
              + ids.length
              + " ids of a table of width "
              + width);
    }
    if (rows.dataType() != table.dataType()) {
      throw new IllegalArgumentException(
          "rows of " + rows.dataType() + " for a table of " + table.dataType());
    }
    for (int id : ids) {
      if (id < 0 || id >= vocab) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside a vocabulary of " + vocab);
      }
    }
    return width;
  }
}
