package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emergent.api.v1alpha1.StageType;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.Progress;
import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.checkpoint.Manifest;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.shards.ShardFixtures;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.BpeTrainer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRunnerTest {
  private static final double PEAK = 1e11;

  private static List<Progress> run(StageConfig config, Path root) throws IOException {
    List<Progress> reports = new ArrayList<>();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new StageRunner(config, new CheckpointStore(root), root, PEAK, reports::add, log).run();
    return reports;
  }

  private static List<Double> losses(List<Progress> reports) {
    return reports.stream().filter(p -> p.state().equals("Running")).map(Progress::loss).toList();
  }

  /** A crash right after the checkpoint of step 10, then a restart: the same 20 losses. */
  @Test
  void resumingFromACheckpointGivesTheSameLosses(@TempDir Path whole, @TempDir Path split)
      throws IOException {
    StageConfig config =
        StageConfigs.checkpointEvery(StageConfigs.pretrain(2, 32, 2, 16, 20, 8, 4, 3e-3), 10);

    assertResumingGivesTheSameLosses(config, whole, split);
  }

  /** On prepared shards the checkpoint saves the samples read, and the restart reads on. */
  @Test
  void resumingOnPreparedShardsReadsOnFromTheSavedPosition(@TempDir Path whole, @TempDir Path split)
      throws IOException {
    for (Path root : List.of(whole, split)) {
      ShardFixtures.writeCorpus(root.resolve("text"));
      ShardFixtures.prepareBytes(root.resolve("text"), root.resolve("corpus"), 500, 0.1);
    }
    StageConfig config =
        StageConfigs.checkpointEvery(
            StageConfigs.withData(
                StageConfigs.pretrain(2, 32, 2, 16, 20, 8, 4, 3e-3),
                new StageConfig.Data(null, "corpus", 2, 0.1)),
            10);

    assertResumingGivesTheSameLosses(config, whole, split);
    Manifest atTen =
        new CheckpointStore(split)
            .open(CheckpointPaths.step(config.run(), config.stage(), 10))
            .manifest();
    assertThat(atTen.state().dataPosition()).isEqualTo(10L * config.batchSize());
  }

  private void assertResumingGivesTheSameLosses(StageConfig config, Path whole, Path split)
      throws IOException {
    List<Double> uninterrupted = losses(run(config, whole));
    List<Progress> beforeCrash = new ArrayList<>();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    StageRunner crashing =
        new StageRunner(
            config,
            new CheckpointStore(split),
            split,
            PEAK,
            p -> {
              beforeCrash.add(p);
              if (p.step() == 10) {
                throw new IllegalStateException("crash");
              }
            },
            log);
    assertThatThrownBy(crashing::run).hasMessage("crash");
    List<Double> afterRestart = losses(run(config, split));

    assertThat(losses(beforeCrash)).hasSize(10);
    assertThat(afterRestart).hasSize(10);
    List<Double> resumed = new ArrayList<>(losses(beforeCrash));
    resumed.addAll(afterRestart);
    assertThat(resumed).isEqualTo(uninterrupted);
  }

  /** A checkpoint's weights mean nothing in another vocabulary; nor does a mis-sized tokenizer. */
  @Test
  void aStageRefusesACheckpointOfAnotherVocabularyAndAMisSizedTokenizer(@TempDir Path root)
      throws IOException {
    run(StageConfigs.tiny("test", "pretrain", StageType.Pretrain, StageConfig.Inputs.NONE), root);
    BpeTrainer trainer = new BpeTrainer();
    for (int i = 0; i < 20; i++) {
      trainer.add("the sum of seven and five is twelve; the sum of three and four is seven");
    }
    BpeTokenizer tokenizer = trainer.train(280, size -> {});
    TokenizerJson.write(tokenizer, root.resolve("tok.json"));
    StageConfig sft =
        StageConfigs.tiny(
            "test",
            "sft",
            StageType.SFT,
            new StageConfig.Inputs("test/pretrain/latest", null, null));

    assertThatThrownBy(() -> run(StageConfigs.withTokenizer(sft, "tok.json", 280), root))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("test/pretrain/step-4 was trained with another tokenizer")
        .hasMessageEndingWith("a model cannot change its vocabulary");
    assertThatThrownBy(() -> run(StageConfigs.withTokenizer(sft, "tok.json", 300), root))
        .isInstanceOf(BadInputException.class)
        .hasMessage("tok.json has 280 ids, but spec.model.tokenizer.vocabSize says 300");
  }

  @Test
  void aFinishedStageIsNotTrainedAgain(@TempDir Path root) throws IOException {
    StageConfig config = StageConfigs.pretrain(1, 16, 2, 8, 4, 2, 2, 1e-3);
    run(config, root);

    List<Progress> again = run(config, root);

    assertThat(losses(again)).isEmpty();
    assertThat(again.get(again.size() - 1).state()).isEqualTo("Succeeded");
    assertThat(again.get(again.size() - 1).checkpoint()).isEqualTo("test/pretrain/step-4");
  }
}
