package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.Progress;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.run.StageConfigs;
import dev.emergent.trainer.run.StageRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The same seed, data and global batch on meshes of 1×1, 2×1, 1×2 and 2×2 ranks (data × model, each
 * rank a thread with its own TCP rendezvous): the losses of 20 steps, and the final held-out loss
 * (its batches split over the data ranks), agree within 1e-4 relative. A checkpoint saved on 2×2
 * holds the whole model, and runs resumed from it on 1×1 and on 4×1 continue with the losses of the
 * uninterrupted run.
 */
class MeshEquivalenceTest {
  private static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  private static final StageConfig BASE = StageConfigs.pretrain(2, 32, 2, 16, 20, 8, 8, 3e-3);

  @TempDir static Path root;
  private static List<Double> alone;
  private static double aloneEvalLoss;

  @BeforeAll
  static void runAlone() throws Exception {
    List<Progress> reports = run(root.resolve("1x1"), 1, 1).get(0);
    alone = losses(reports);
    aloneEvalLoss = finalEvalLoss(reports);
    assertThat(alone).hasSize(20);
  }

  @Test
  void twoDataRanksTrainLikeOne() throws Exception {
    assertAllRanksMatch(run(root.resolve("2x1"), 2, 1), alone);
  }

  @Test
  void twoModelRanksTrainLikeOne() throws Exception {
    assertAllRanksMatch(run(root.resolve("1x2"), 1, 2), alone);
  }

  @Test
  void aTwoByTwoMeshTrainsLikeOneAndItsCheckpointResumesOnOtherMeshes() throws Exception {
    Path saved = root.resolve("2x2");
    assertAllRanksMatch(run(saved, 2, 2), alone);
    List<Double> secondHalf = alone.subList(10, 20);
    assertAllRanksMatch(run(resumeFromStepTen(saved, "resume-1x1"), 1, 1), secondHalf);
    assertAllRanksMatch(run(resumeFromStepTen(saved, "resume-4x1"), 4, 1), secondHalf);
  }

  /**
   * A reward model's step has two losses on one pass, the pairwise one and its SFT term; both are
   * normalised by the global batch, so their gradients add up over the data ranks, and the
   * replicated language-model head gives every model rank the whole SFT term.
   */
  @Test
  void aRewardModelWithItsSftTermTrainsLikeOneOnEitherAxis() throws Exception {
    StageConfig reward = StageConfigs.rewardModel(8, 1e-2, 0, 0.3);
    List<Double> one = losses(run(root.resolve("reward-1x1"), reward, 1, 1).get(0));
    assertThat(one).hasSize(8);
    for (int[] mesh : new int[][] {{2, 1}, {1, 2}}) {
      for (List<Progress> rank :
          run(root.resolve("reward-" + mesh[0] + "x" + mesh[1]), reward, mesh[0], mesh[1])) {
        List<Double> actual = losses(rank);
        assertThat(actual).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
          assertThat(actual.get(i))
              .as("loss of step %d on %d×%d", i + 1, mesh[0], mesh[1])
              .isCloseTo(one.get(i), within(1e-4 * Math.abs(one.get(i))));
        }
      }
    }
  }

  /** A fresh root whose only checkpoint of the stage is the 2×2 run's step 10. */
  private static Path resumeFromStepTen(Path saved, String name) throws IOException {
    String directory = BASE.checkpoint().directory();
    Path from = saved.resolve(directory).resolve("step-10");
    Path stage = root.resolve(name).resolve(directory);
    Files.createDirectories(stage.resolve("step-10"));
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, stage.resolve("step-10").resolve(file.getFileName()));
      }
    }
    Files.createSymbolicLink(stage.resolve(CheckpointPaths.LATEST), Path.of("step-10"));
    return root.resolve(name);
  }

  private static void assertAllRanksMatch(List<List<Progress>> ranks, List<Double> expected) {
    for (List<Progress> rank : ranks) {
      List<Double> actual = losses(rank);
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(actual.get(i))
            .as("loss of step %d", i + 1)
            .isCloseTo(expected.get(i), within(1e-4 * Math.abs(expected.get(i))));
      }
      assertThat(finalEvalLoss(rank))
          .as("held-out loss at the last step")
          .isCloseTo(aloneEvalLoss, within(1e-4 * aloneEvalLoss));
    }
  }

  private static double finalEvalLoss(List<Progress> reports) {
    return reports.stream()
        .filter(p -> p.state().equals("Running"))
        .reduce((first, second) -> second)
        .orElseThrow()
        .metrics()
        .get("evalLoss");
  }

  private static List<Double> losses(List<Progress> reports) {
    return reports.stream().filter(p -> p.state().equals("Running")).map(Progress::loss).toList();
  }

  /** Every rank's progress reports of the stage on a data × model mesh under {@code dir}. */
  private static List<List<Progress>> run(Path dir, int data, int model) throws Exception {
    return run(dir, BASE, data, model);
  }

  private static List<List<Progress>> run(Path dir, StageConfig base, int data, int model)
      throws Exception {
    StageConfig config = StageConfigs.onMesh(base, data, model);
    ResolvedMesh mesh = config.mesh();
    if (data * model == 1) {
      List<Progress> reports = new ArrayList<>();
      new StageRunner(config, new CheckpointStore(dir), dir, 1e11, reports::add, QUIET).run();
      return List.of(reports);
    }
    return LoopbackMesh.run(
        data * model,
        peers -> {
          int rank = peers.rank();
          List<Progress> mine = new ArrayList<>();
          new StageRunner(
                  config,
                  new CheckpointStore(dir),
                  dir,
                  1e11,
                  mine::add,
                  QUIET,
                  Compute.cpu(DataType.FLOAT),
                  rank,
                  DataParallel.over(
                      new ProcessGroup(MeshGroups.along(mesh, ResolvedMesh.DATA, rank), peers)),
                  TensorParallel.over(
                      new ProcessGroup(MeshGroups.along(mesh, ResolvedMesh.MODEL, rank), peers)))
              .run();
          return mine;
        });
  }
}
