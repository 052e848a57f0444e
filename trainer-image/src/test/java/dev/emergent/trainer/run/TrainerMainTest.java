package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TerminationSummary;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.checkpoint.Manifest;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The process contract: launch environment in, exit code and termination summary out. */
class TrainerMainTest {
  private static final StageConfig TINY = StageConfigs.pretrain(1, 16, 2, 8, 4, 2, 2, 1e-3);

  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Map<String, String> env(StageConfig config) throws IOException {
    Path file = dir.resolve("stage.json");
    TrainingRunFiles.JSON.writeValue(file.toFile(), config);
    Map<String, String> env = new HashMap<>();
    env.put(LaunchEnvironment.STAGE_CONFIG, file.toString());
    env.put(LaunchEnvironment.TERMINATION_LOG, dir.resolve("termination-log").toString());
    env.put(LaunchEnvironment.CHECKPOINT_ROOT, dir.resolve("checkpoints").toString());
    env.put(LaunchEnvironment.PROGRESS_PORT, "0");
    env.put("OMP_NUM_THREADS", "2");
    return env;
  }

  private ExitCode run(Map<String, String> env) {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return TrainerMain.run(env, out, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private JsonNode summary() throws IOException {
    return TrainingRunFiles.JSON.readTree(dir.resolve("termination-log").toFile());
  }

  @Test
  void aFinishedStageExitsZeroAndNamesItsCheckpoint() throws IOException {
    assertThat(run(env(TINY))).isEqualTo(ExitCode.SUCCEEDED);

    JsonNode summary = summary();
    assertThat(summary.get("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(summary.get("step").asLong()).isEqualTo(4);
    assertThat(summary.get("checkpoint").asText()).isEqualTo("test/pretrain/step-4");
    assertThat(summary.at("/metrics/evalLoss").isNumber()).isTrue();
    assertThat(Files.readString(dir.resolve("checkpoints/test/pretrain/progress.json")))
        .contains("\"state\":\"Succeeded\"");
  }

  @Test
  void aCorruptLatestCheckpointFallsBackToTheNewestIntactOneAndSaysSo() throws IOException {
    assertThat(run(env(TINY))).isEqualTo(ExitCode.SUCCEEDED);
    Path stage = dir.resolve("checkpoints/test/pretrain");
    flipOneByte(stage.resolve("latest/model-rank0.bin"));

    assertThat(run(env(TINY))).isEqualTo(ExitCode.SUCCEEDED);

    TerminationSummary summary =
        TerminationSummary.read(dir.resolve("termination-log")).orElseThrow();
    assertThat(summary.checkpointFallback())
        .startsWith("skipped latest: ")
        .contains("model-rank0.bin is corrupted")
        .endsWith("resumed from test/pretrain/step-2");
    assertThat(summary.checkpoint()).isEqualTo("test/pretrain/step-4");
  }

  @Test
  void noIntactCheckpointExitsWithItsOwnCode() throws IOException {
    assertThat(run(env(TINY))).isEqualTo(ExitCode.SUCCEEDED);
    Path stage = dir.resolve("checkpoints/test/pretrain");
    flipOneByte(stage.resolve("step-2/model-rank0.bin"));
    flipOneByte(stage.resolve("step-4/model-rank0.bin"));

    assertThat(run(env(TINY))).isEqualTo(ExitCode.CHECKPOINT_CORRUPT);
    assertThat(summary().get("exitCode").asInt()).isEqualTo(5);
    assertThat(summary().get("message").asText())
        .startsWith("no intact checkpoint of stage pretrain");
  }

  private static void flipOneByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
  }

  @Test
  void aMissingConfigIsBadInput() throws IOException {
    Map<String, String> env = env(TINY);
    env.put(LaunchEnvironment.STAGE_CONFIG, dir.resolve("nope.json").toString());

    assertThat(run(env)).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(summary().get("message").asText()).endsWith("nope.json: no such file");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
  }

  @Test
  void aWorldSizeThatIsNotTheMeshsIsBadInput() throws IOException {
    Map<String, String> env = env(TINY);
    env.put(LaunchEnvironment.WORLD_SIZE, "2");
    env.put(LaunchEnvironment.RANK, "1");

    assertThat(run(env)).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(summary().get("message").asText())
        .isEqualTo(
            "EMERGENT_WORLD_SIZE is 2 but the stage's mesh data=1 (1 pod × 1 cpu) has 1 devices");
  }

  @Test
  void aCudaStageWithoutTheCudaBackendIsBadInputAndTrainsNothing() throws IOException {
    assertThat(run(env(StageConfigs.onDevice(TINY, Device.CUDA)))).isEqualTo(ExitCode.BAD_INPUT);

    assertThat(summary().get("message").asText())
        .isEqualTo(
            "mesh.device is cuda but this trainer has no cuda backend: it is the"
                + " emergent-trainer-cuda jar, which needs Java 22 or newer (this is Java "
                + Runtime.version().feature()
                + ") and must be on the class path beside the trainer");
    assertThat(dir.resolve("checkpoints/test/pretrain")).doesNotExist();
  }

  @Test
  void aPpoStageWithoutItsInputsIsBadInput() throws IOException {
    StageConfig sft = StageConfigs.tiny("test", "ppo", StageType.PPO, StageConfig.Inputs.NONE);

    assertThat(run(env(sft))).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(summary().get("message").asText())
        .contains("needs PPO settings, a policy and a reward checkpoint");
  }

  @Test
  void aNanLossExitsWithItsOwnCode() throws IOException {
    Gpt poisoned = new Gpt(ModelShape.of(TINY.model()), Compute.cpu(DataType.FLOAT));
    CpuTensor.array(poisoned.parameters().values()).assign(Double.NaN);
    StageConfig source =
        StageConfigs.tiny("other", "pretrain", StageType.Pretrain, StageConfig.Inputs.NONE);
    new CheckpointStore(dir.resolve("checkpoints"))
        .save(
            source,
            1,
            poisoned.parameters(),
            new AdamW(poisoned.parameters(), 0.9, 0.95, 1e-8, 0),
            new Manifest.TrainingState(1, 0, null),
            Map.of(),
            BpeTokenizer.bytes());
    StageConfig fromNan =
        StageConfigs.tiny(
            "test",
            "pretrain",
            StageType.Pretrain,
            new StageConfig.Inputs("other/pretrain/latest", null, null));

    assertThat(run(env(fromNan))).isEqualTo(ExitCode.LOSS_DIVERGED);
    assertThat(summary().get("exitCode").asInt()).isEqualTo(3);
    assertThat(summary().get("message").asText()).isEqualTo("loss diverged at step 0: NaN");
  }
}
