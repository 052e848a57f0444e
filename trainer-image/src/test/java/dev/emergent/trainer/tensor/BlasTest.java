package dev.emergent.trainer.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Batched products on blocks in groups, as attention lays out every sequence's heads. */
class BlasTest {
  private static final int SEQUENCES = 8; // 16 products of 64·64·16: split over two threads
  private static final int HEADS = 2;
  private static final int TIME = 64;
  private static final int HEAD_DIM = 16;
  private static final int WIDTH = 3 * HEADS * HEAD_DIM; // queries, keys, values side by side

  @Test
  void groupedBlocksGiveEachSequenceAndHeadItsOwnProduct() {
    Nd4j.getRandom().setSeed(7);
    INDArray packed = Nd4j.randn(DataType.FLOAT, SEQUENCES * TIME, WIDTH);
    INDArray scores = Nd4j.create(DataType.FLOAT, SEQUENCES * HEADS, TIME, TIME);

    scores(heads(packed, 0), heads(packed, 1), scores);

    for (int b = 0; b < SEQUENCES; b++) {
      for (int h = 0; h < HEADS; h++) {
        INDArray expected = head(packed, b, 0, h).mmul(head(packed, b, 1, h).transpose());
        INDArray actual = scores.get(NDArrayIndex.point((long) b * HEADS + h));
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-4);
      }
    }
  }

  @Test
  void callersThatKeepTheThreadsBusyHaveTheBlasOnTheirThreadsUntilTheLastLeaves() {
    Nd4j.create(DataType.FLOAT, 1); // loads the BLAS
    int before = openblas.blas_get_num_threads();
    openblas.blas_set_num_threads(2);
    try {
      int[] inside = new int[2];

      Blas.onCallingThreads(
          () -> {
            inside[0] = openblas.blas_get_num_threads();
            Blas.onCallingThreads(() -> {});
            inside[1] = openblas.blas_get_num_threads();
          });

      assertThat(inside).containsExactly(1, 1);
      assertThat(openblas.blas_get_num_threads()).isEqualTo(2);
    } finally {
      openblas.blas_set_num_threads(before);
    }
  }

  @Test
  void aBlockPastTheEndOfItsArrayIsRefused() {
    INDArray packed = Nd4j.create(DataType.FLOAT, SEQUENCES * TIME, WIDTH);
    INDArray scores = Nd4j.create(DataType.FLOAT, SEQUENCES * HEADS, TIME, TIME);
    Blas.Blocks oneSequenceTooMany =
        new Blas.Blocks(packed, 0, HEAD_DIM, WIDTH, HEADS, (long) TIME * WIDTH + WIDTH);
    assertThatThrownBy(() -> scores(oneSequenceTooMany, heads(packed, 1), scores))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gemm a: 16 blocks of 64×16")
        .hasMessageContaining("do not fit an array of " + SEQUENCES * TIME * WIDTH);
  }

  /** Every (sequence, head)'s queries times its keys, as attention's scores. */
  private static void scores(Blas.Blocks queries, Blas.Blocks keys, INDArray scores) {
    Blas.batched(
        false,
        true,
        SEQUENCES * HEADS,
        TIME,
        TIME,
        HEAD_DIM,
        queries,
        keys,
        new Blas.Blocks(scores, 0, (long) TIME * TIME, TIME),
        1,
        0);
  }

  /** Part p (0 queries, 1 keys) of every sequence's heads: groups of HEADS blocks. */
  private static Blas.Blocks heads(INDArray packed, int part) {
    return new Blas.Blocks(
        packed, (long) part * HEADS * HEAD_DIM, HEAD_DIM, WIDTH, HEADS, (long) TIME * WIDTH);
  }

  private static INDArray head(INDArray packed, int b, int part, int h) {
    long column = (long) part * HEADS * HEAD_DIM + (long) h * HEAD_DIM;
    return packed
        .get(
            NDArrayIndex.interval((long) b * TIME, (long) (b + 1) * TIME),
            NDArrayIndex.interval(column, column + HEAD_DIM))
        .dup();
  }
}
