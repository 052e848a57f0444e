package dev.emergent.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.model.Gpt;
import dev.emergent.trainer.model.ModelShape;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.run.StageConfigs;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class CheckpointStoreTest {
  private static final StageConfig CONFIG = StageConfigs.pretrain(1, 16, 2, 8, 10, 2, 2, 1e-3);

  @TempDir Path root;
  private CheckpointStore store;
  private Gpt gpt;
  private AdamW adam;

  @BeforeEach
  void trainedModel() {
    store = new CheckpointStore(root);
    gpt = new Gpt(ModelShape.of(CONFIG.model()), Compute.cpu(DataType.FLOAT));
    gpt.parameters().initialize(3);
    CpuTensor.array(gpt.parameters().grads()).assign(0.5);
    adam = new AdamW(gpt.parameters(), 0.9, 0.95, 1e-8, 0.1);
    adam.step(1e-3);
    adam.step(1e-3);
  }

  private String save(long step) throws IOException {
    return store.save(
        CONFIG,
        step,
        gpt.parameters(),
        adam,
        new Manifest.TrainingState(step, 640, null),
        Map.of("loss", 1.5),
        BpeTokenizer.bytes());
  }

  @Test
  void roundTripsParametersOptimizerAndState() throws IOException {
    String path = save(4);

    Gpt restored = new Gpt(ModelShape.of(CONFIG.model()), Compute.cpu(DataType.FLOAT));
    AdamW restoredAdam = new AdamW(restored.parameters(), 0.9, 0.95, 1e-8, 0.1);
    CheckpointStore.Loaded loaded = store.open(path);
    CheckpointLoader.load(loaded, restored.parameters(), restoredAdam);

    assertThat(path).isEqualTo("test/pretrain/step-4");
    assertThat(restored.parameters().values()).isEqualTo(gpt.parameters().values());
    assertThat(restoredAdam.firstMoment()).isEqualTo(adam.firstMoment());
    assertThat(restoredAdam.secondMoment()).isEqualTo(adam.secondMoment());
    assertThat(restoredAdam.steps()).isEqualTo(2);
    assertThat(loaded.manifest().state()).isEqualTo(new Manifest.TrainingState(4, 640, null));
    assertThat(loaded.manifest().metrics()).isEqualTo(Map.of("loss", 1.5));
    assertThat(loaded.manifest().tensors()).hasSize(gpt.parameters().list().size());
  }

  @Test
  void latestPointsAtTheNewestAndOldOnesArePruned() throws IOException {
    save(2);
    save(4);
    save(6);

    Path stage = root.resolve("test/pretrain");
    assertThat(Files.readSymbolicLink(stage.resolve("latest")).toString()).isEqualTo("step-6");
    assertThat(store.resume(CONFIG).checkpoint().orElseThrow().manifest().step()).isEqualTo(6);
    assertThat(Files.exists(stage.resolve("step-2"))).isFalse();
    assertThat(Files.exists(stage.resolve("step-4"))).isTrue();
    try (var children = Files.list(stage)) {
      assertThat(children.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("latest", "step-4", "step-6");
    }
  }

  /** Flips one bit of a checkpoint's model file. */
  private void corrupt(String path) throws IOException {
    Path model = root.resolve(path).resolve("model-rank0.bin");
    try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
      file.seek(100);
      int b = file.read();
      file.seek(100);
      file.write(b ^ 1);
    }
  }

  @Test
  void aStageResumesFromItsNewestIntactCheckpoint() throws IOException {
    assertThat(store.resume(CONFIG).checkpoint()).isEmpty();
    save(4);
    String newest = save(6);
    assertThat(store.resume(CONFIG).checkpoint().orElseThrow().manifest().step()).isEqualTo(6);
    assertThat(store.resume(CONFIG).skipped()).isEmpty();

    corrupt(newest);
    CheckpointStore.Resume resume = store.resume(CONFIG);

    assertThat(resume.checkpoint().orElseThrow().manifest().step()).isEqualTo(4);
    assertThat(resume.skipped())
        .singleElement()
        .asString()
        .startsWith("latest: ")
        .contains("step-6/model-rank0.bin is corrupted");
  }

  @Test
  void aStageWhoseCheckpointsAreAllCorruptCannotResume() throws IOException {
    corrupt(save(4));
    corrupt(save(6));

    assertThatThrownBy(() -> store.resume(CONFIG))
        .isInstanceOf(CheckpointCorruptException.class)
        .hasMessageContaining("no intact checkpoint of stage pretrain")
        .hasMessageContaining("step-4/model-rank0.bin is corrupted");
  }

  @Test
  void aCorruptedFileIsDetected() throws IOException {
    String path = save(4);
    corrupt(path);

    assertThatThrownBy(() -> store.open(path))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model-rank0.bin is corrupted: sha256");
  }

  @Test
  void aMissingCheckpointOrOneOfAnotherModelIsRefused() throws IOException {
    assertThatThrownBy(() -> store.open("test/pretrain/step-9"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no checkpoint at");

    String path = save(4);
    Gpt wider =
        new Gpt(
            ModelShape.of(StageConfigs.pretrain(1, 32, 2, 8, 10, 2, 2, 1e-3).model()),
            Compute.cpu(DataType.FLOAT));
    assertThatThrownBy(() -> CheckpointLoader.load(store.open(path), wider.parameters(), null))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("holds a model of another shape");
  }
}
