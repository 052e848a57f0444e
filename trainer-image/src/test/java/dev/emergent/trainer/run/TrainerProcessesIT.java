package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.launch.JavaCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two trainer processes on 127.0.0.1, as the local runner and the operator start them. */
class TrainerProcessesIT {
  @TempDir Path dir;

  private Path config(int steps, int data, int model) throws IOException {
    StageConfig onMesh =
        StageConfigs.onMesh(StageConfigs.pretrain(1, 32, 2, 16, steps, 8, 4, 1e-3), data, model);
    Path file = dir.resolve("stage.json");
    TrainingRunFiles.JSON.writeValue(file.toFile(), onMesh);
    return file;
  }

  private List<Process> start(Path config, int port) throws IOException {
    List<Process> ranks = new ArrayList<>();
    for (int rank = 0; rank < 2; rank++) {
      ProcessBuilder builder =
          new ProcessBuilder(JavaCommand.of(List.of(), TrainerMain.class.getName(), List.of()));
      Map<String, String> env = builder.environment();
      env.put(LaunchEnvironment.STAGE_CONFIG, config.toString());
      env.put(LaunchEnvironment.RANK, Integer.toString(rank));
      env.put(LaunchEnvironment.WORLD_SIZE, "2");
      env.put(LaunchEnvironment.COORDINATOR, "127.0.0.1:" + port);
      env.put(LaunchEnvironment.RUN_TOKEN, "token-" + port);
      env.put(LaunchEnvironment.CHECKPOINT_ROOT, dir.resolve("checkpoints").toString());
      env.put(LaunchEnvironment.PROGRESS_PORT, "0");
      env.put(LaunchEnvironment.TERMINATION_LOG, dir.resolve("termination-" + rank).toString());
      env.put(TrainerMain.PEER_TIMEOUT, "5");
      env.put("OMP_NUM_THREADS", "1");
      builder
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("rank-" + rank + ".log").toFile());
      ranks.add(builder.start());
    }
    return ranks;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private JsonNode summary(int rank) throws IOException {
    return TrainingRunFiles.JSON.readTree(dir.resolve("termination-" + rank).toFile());
  }

  @Test
  void twoRanksTrainTogetherAndRankZeroPublishesTheCheckpoint() throws Exception {
    List<Process> ranks = start(config(6, 2, 1), freePort());

    for (Process rank : ranks) {
      assertThat(rank.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(rank.exitValue()).isZero();
    }
    assertThat(summary(0).get("checkpoint").asText()).isEqualTo("test/pretrain/step-6");
    assertThat(summary(1).get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(dir.resolve("checkpoints/test/pretrain/step-6/manifest.json")).exists();
    assertThat(Files.readString(dir.resolve("rank-1.log")))
        .contains("rank 1 of 2 at {data=1, model=0}");
  }

  @Test
  void twoModelRanksSplitTheModelAndPublishTheWholeOne() throws Exception {
    List<Process> ranks = start(config(6, 1, 2), freePort());

    for (Process rank : ranks) {
      assertThat(rank.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(rank.exitValue()).isZero();
    }
    assertThat(Files.readString(dir.resolve("rank-1.log"))).contains("at {data=0, model=1}");
    assertThat(summary(0).at("/metrics/bytesSent").asDouble()).isPositive();
    CheckpointStore.Loaded saved =
        CheckpointStore.openFolder(dir.resolve("checkpoints/test/pretrain/step-6"));
    assertThat(saved.manifest().tensors())
        .filteredOn(t -> t.name().equals("h.0.attn.qkv.weight"))
        .singleElement()
        .satisfies(t -> assertThat(t.shape()).containsExactly(32L, 96L));
  }

  @Test
  void whenARankDiesTheOtherStopsWithThePeerLostCode() throws Exception {
    List<Process> ranks = start(config(100000, 2, 1), freePort());
    Path progress = dir.resolve("checkpoints/test/pretrain/progress.json");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(progress) && Files.readString(progress).contains("\"Running\""))) {
      assertThat(System.nanoTime()).as("rank 0 never reported progress").isLessThan(deadline);
      Thread.sleep(200);
    }

    ranks.get(1).destroyForcibly();
    long killed = System.nanoTime();

    assertThat(ranks.get(0).waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat((System.nanoTime() - killed) / 1e9).isLessThan(30);
    assertThat(ranks.get(0).exitValue()).isEqualTo(ExitCode.PEER_LOST.code());
    assertThat(summary(0).get("message").asText()).contains("rank 1");
  }
}
