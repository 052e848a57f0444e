package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.tensor.GradientsReady;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Gradients all-reduced range by range while a backward pass would go on, on loopback ranks. */
class DataParallelTest {
  private static final int LENGTH = 2 * 50 + 7 + 3 * 40;

  private static Parameters parameters() {
    Parameters.Builder builder = Parameters.builder(Compute.cpu(DataType.FLOAT));
    builder.matrix("a", 2, 50, 0.02);
    builder.vector("b", 7, Parameter.Init.ZERO);
    builder.matrix("c", 3, 40, 0.02);
    return builder.build();
  }

  /** Rank r's gradient element i. */
  private static float grad(int rank, int i) {
    return rank * 100 + i * 0.25f;
  }

  private static DataParallel dataAxis(Rendezvous.Peers peers) {
    return DataParallel.over(
        new ProcessGroup(IntStream.range(0, peers.worldSize()).boxed().toList(), peers));
  }

  @Test
  void rangesReducedDuringTheBackwardPassAndTheRestSumToTheWholeGradient() throws Exception {
    int ranks = 3;
    List<float[]> results =
        LoopbackMesh.run(
            ranks,
            peers -> {
              Parameters parameters = parameters();
              for (int i = 0; i < LENGTH; i++) {
                CpuTensor.array(parameters.grads()).putScalar(i, grad(peers.rank(), i));
              }
              DataParallel data = dataAxis(peers);
              GradientsReady ready = data.overlap(parameters);
              // As a backward pass reports them: the last blocks first, gaps left for the end.
              ready.ready(107, 227);
              ready.ready(10, 100);
              double[] total = data.sum(1);
              assertThat(total[0]).isEqualTo(ranks);
              data.allReduceGradients(parameters);
              return CpuTensor.array(parameters.grads()).toFloatVector();
            });

    for (float[] result : results) {
      for (int i = 0; i < LENGTH; i++) {
        float expected = 0;
        for (int r = 0; r < ranks; r++) {
          expected += grad(r, i);
        }
        assertThat(result[i]).as("element %d", i).isCloseTo(expected, within(1e-3f * expected));
      }
    }
  }

  @Test
  void aRangeReportedTwiceInOneStepIsRefused() throws Exception {
    List<String> failures =
        LoopbackMesh.run(
            2,
            peers -> {
              Parameters parameters = parameters();
              DataParallel data = dataAxis(peers);
              GradientsReady ready = data.overlap(parameters);
              ready.ready(0, 100);
              try {
                ready.ready(50, 60);
                return "accepted";
              } catch (IllegalStateException e) {
                data.allReduceGradients(parameters);
                return e.getMessage();
              }
            });

    assertThat(failures).allSatisfy(m -> assertThat(m).contains("[50, 60) were reported twice"));
  }

  @Test
  void theRanksSharesCoverEveryItemOnce() throws Exception {
    List<int[]> shares =
        LoopbackMesh.run(
            3, peers -> DataParallel.over(new ProcessGroup(List.of(0, 1, 2), peers)).share(8));

    assertThat(shares.get(0)).containsExactly(0, 3, 6);
    assertThat(shares.get(1)).containsExactly(1, 4, 7);
    assertThat(shares.get(2)).containsExactly(2, 5);
    assertThat(DataParallel.single().share(4)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void aSingleRankReducesNothing() {
    Parameters parameters = parameters();
    CpuTensor.array(parameters.grads()).putScalar(3, 1.5f);
    DataParallel data = DataParallel.single();
    data.overlap(parameters).ready(0, 10);
    data.allReduceGradients(parameters);
    assertThat(CpuTensor.array(parameters.grads()).getFloat(3)).isEqualTo(1.5f);
  }
}
