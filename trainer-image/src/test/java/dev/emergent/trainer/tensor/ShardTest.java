package dev.emergent.trainer.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShardTest {
  private static float[] range(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    return values;
  }

  @Test
  void columnsOfAPackedProjectionTakeTheirSliceOfEachBlock() {
    // 2 rows × 6 columns, three blocks (q, k, v) of two columns: rank 1 of 2 holds column 1 of
    // each.
    float[] full = range(12);
    float[] mine = Shard.columns(3, 1, 2).slice(full, new long[] {2, 6});
    assertThat(mine).containsExactly(1, 3, 5, 7, 9, 11);
  }

  @Test
  void rowsAreContiguous() {
    float[] mine = Shard.rows(1, 1, 2).slice(range(12), new long[] {4, 3});
    assertThat(mine).containsExactly(6, 7, 8, 9, 10, 11);
  }

  @Test
  void placingEveryRanksSliceRebuildsTheWhole() {
    long[] shape = {4, 12};
    float[] full = range(48);
    float[] rebuilt = new float[48];
    for (int rank = 0; rank < 4; rank++) {
      Shard shard = Shard.columns(3, rank, 4);
      shard.place(shard.slice(full, shape), rebuilt, shape);
    }
    assertThat(rebuilt).containsExactly(full);
    assertThat(Shard.rows(3, 0, 2).fullShape(new long[] {6})).containsExactly(12);
  }
}
