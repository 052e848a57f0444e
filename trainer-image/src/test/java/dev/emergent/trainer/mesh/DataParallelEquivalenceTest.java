package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.run.Progress;
import dev.emergent.trainer.run.StageConfigs;
import dev.emergent.trainer.run.StageRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed, data and global batch on one rank and on a data axis of two: the losses of 20
 * steps agree within 1e-4 relative, since the two ranks' gradient sums are the batch's gradient.
 */
class DataParallelEquivalenceTest {
  private static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private static StageConfig onMesh(StageConfig c, int data) {
    ResolvedMesh mesh =
        new ResolvedMesh(List.of(new ResolvedMesh.Axis("data", data)), data, 1, Device.CPU);
    return new StageConfig(
        c.run(),
        c.stage(),
        c.type(),
        c.index(),
        c.seed(),
        c.model(),
        mesh,
        c.data(),
        c.steps(),
        c.batchSize(),
        c.batchSize() / data,
        1,
        c.optimizer(),
        c.evalEverySteps(),
        c.checkpoint(),
        c.inputs(),
        c.ppo());
  }

  private static List<Double> losses(List<Progress> reports) {
    return reports.stream().filter(p -> p.state().equals("Running")).map(Progress::loss).toList();
  }

  @Test
  void twoDataRanksTrainLikeOne(@TempDir Path single, @TempDir Path pair) throws Exception {
    StageConfig base = StageConfigs.pretrain(2, 32, 2, 16, 20, 8, 8, 3e-3);
    List<Progress> alone = new ArrayList<>();
    new StageRunner(onMesh(base, 1), new CheckpointStore(single), single, 1e11, alone::add, QUIET)
        .run();

    StageConfig split = onMesh(base, 2);
    List<List<Progress>> reports =
        LoopbackMesh.run(
            2,
            peers -> {
              List<Progress> mine = new ArrayList<>();
              ProcessGroup data = new ProcessGroup(IntStream.range(0, 2).boxed().toList(), peers);
              new StageRunner(
                      split,
                      new CheckpointStore(pair),
                      pair,
                      1e11,
                      mine::add,
                      QUIET,
                      peers.rank(),
                      DataParallel.over(data))
                  .run();
              return mine;
            });

    List<Double> expected = losses(alone);
    assertThat(expected).hasSize(20);
    for (List<Progress> rank : reports) {
      List<Double> actual = losses(rank);
      assertThat(actual).hasSize(20);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(actual.get(i))
            .isCloseTo(expected.get(i), within(1e-4 * Math.abs(expected.get(i))));
      }
    }
  }
}
