package dev.emergent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.trainer.shards.ShardFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's path through real text: train a tokenizer, prepare shards, pretrain on them with the
 * tokenizer, and sample from the checkpoint, each through the command line.
 */
class DataPipelineIT {
  @TempDir Path dir;
  private final InProcessCli cli = new InProcessCli();

  @BeforeEach
  void corpus() throws Exception {
    ShardFixtures.writeCorpus(dir.resolve("corpus"));
  }

  private int emergent(String... args) {
    cli.reset();
    return cli.run(args);
  }

  @Test
  void aTokenizerAndShardsPretrainAModelThatWrites() throws Exception {
    String corpus = dir.resolve("corpus").toString();
    assertThat(
            emergent(
                "tokenizer",
                "train",
                "--vocab",
                "300",
                "--delimiter",
                "%",
                "-o",
                dir.resolve("tok.json").toString(),
                corpus))
        .as(cli.err())
        .isZero();
    assertThat(cli.out()).contains("tok.json: 300 ids (39 merges)", "vocabSize: 300");

    assertThat(
            emergent(
                "data",
                "prepare",
                "--tokenizer",
                dir.resolve("tok.json").toString(),
                "--delimiter",
                "%",
                "--shard-tokens",
                "2000",
                "--threads",
                "2",
                "-o",
                dir.resolve("shards").toString(),
                corpus))
        .as(cli.err())
        .isZero();
    assertThat(cli.err()).contains("records.jsonl:2: not JSON", "records.jsonl:4: no \"text\"");
    assertThat(cli.out())
        .contains("train ", "validation ", "uint16 tokens", "2 bad records skipped");

    Path run = dir.resolve("run.yaml");
    Files.writeString(
        run,
        """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: texts}
        spec:
          model: {layers: 1, dModel: 32, heads: 2, contextLength: 16, tokenizer: {path: tok.json, vocabSize: 300}}
          mesh: {axes: [{name: data, size: 2}]}
          checkpoint: {everySteps: 10}
          stages:
          - {name: pretrain, type: Pretrain, data: {path: shards}, steps: 20, batchSize: 8, learningRate: 3.0e-3}
        """);
    Path work = dir.resolve("work");
    assertThat(emergent("run", run.toString(), "--workdir", work.toString()))
        .as(cli.err())
        .isZero();
    String report = Files.readString(work.resolve("report/index.html"));
    assertThat(report).contains("evalBitsPerByte", "Samples from pretrain", "<td>You will</td>");
    Path checkpoint = work.resolve("checkpoints/texts/pretrain/latest");
    assertThat(checkpoint.resolve("tokenizer.json")).exists();

    assertThat(
            emergent(
                "generate",
                "--text",
                "--json",
                "--max-new-tokens",
                "8",
                checkpoint.toString(),
                "Fortune",
                "A penny"))
        .as(cli.err())
        .isZero();
    String[] completions = new ObjectMapper().readValue(cli.out().strip(), String[].class);
    assertThat(completions).hasSize(2);
  }

  @Test
  void badInputIsRefusedWithOneMessage() throws Exception {
    String corpus = dir.resolve("corpus").toString();

    assertThat(
            emergent(
                "data",
                "prepare",
                "--tokenizer",
                "bytes",
                "--strict",
                "--delimiter",
                "%",
                "-o",
                dir.resolve("shards").toString(),
                corpus))
        .isEqualTo(Main.BAD_INPUT);
    assertThat(cli.err()).contains("records.jsonl:2: not JSON").doesNotContain("Exception");

    assertThat(emergent("tokenizer", "train", "-o", "x.json", corpus)).isEqualTo(Main.BAD_INPUT);
    assertThat(cli.err()).contains("Missing required option: '--vocab=<vocab>'");

    assertThat(emergent("tokenizer")).isEqualTo(Main.BAD_INPUT);
    assertThat(cli.err()).contains("Usage: tokenizer", "train");

    assertThat(
            emergent(
                "data",
                "prepare",
                "--tokenizer",
                dir.resolve("none.json").toString(),
                "-o",
                dir.resolve("shards").toString(),
                corpus))
        .isEqualTo(Main.BAD_INPUT);
    assertThat(cli.err()).contains("none.json: no such tokenizer file");
  }
}
