package dev.emergent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private static final String QUICKSTART = "../examples/quickstart.yaml";

  private final InProcessCli cli = new InProcessCli();

  private int emergent(String... args) {
    return cli.run(args);
  }

  @Test
  void planPrintsStagesMeshCoordinatesAndResolvedConfigs() {
    assertThat(emergent("plan", QUICKSTART)).isZero();

    assertThat(cli.out())
        .contains("TrainingRun quickstart: 5 stages, seed 1234, checkpoints on a new 1Gi claim")
        .contains("Stage 1/5  pretrain  (Pretrain, 1000 steps)")
        .contains("mesh      data=2 × model=1 (2 pods × 1 cpu), world size 2")
        .contains("rank 1    pod 1    slot 0   data=1 model=0")
        .contains("Stage 5/5  ppo  (PPO, 60 steps)")
        .contains("inputs    policy quickstart/sft/latest, reward model quickstart/reward/latest")
        .contains("\"sftWeight\" : 0.3")
        .contains("\"klCoef\" : 0.6");
    assertThat(cli.err()).isEmpty();
  }

  @Test
  void planAsJsonHasEveryStage() {
    assertThat(emergent("plan", QUICKSTART, "--json")).isZero();

    assertThat(cli.out()).contains("\"run\" : \"quickstart\"").contains("\"stages\" : [");
  }

  @Test
  void anInvalidSpecGetsItsMessagesAndNoStackTrace(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        Files.readString(Path.of(QUICKSTART))
            .replace("heads: 4", "heads: 3")
            .replace("steps: 1000", "steps: 0"));

    assertThat(emergent("plan", file.toString())).isEqualTo(Main.BAD_INPUT);

    assertThat(cli.err())
        .isEqualTo(
            "emergent: "
                + file
                + " is not a valid TrainingRun:\n"
                + "  spec.model.dModel: must be divisible by heads (3), got 128\n"
                + "  spec.stages[0].steps: must be between 1 and 100000000, got 0\n");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void aMissingFileIsBadInput() {
    assertThat(emergent("plan", "no/such.yaml")).isEqualTo(Main.BAD_INPUT);

    assertThat(cli.err()).isEqualTo("emergent: no/such.yaml: no such file\n");
  }

  @Test
  void unknownCommandsAndMissingArgumentsShowUsage() {
    assertThat(emergent("train", QUICKSTART)).isEqualTo(Main.BAD_INPUT);
    assertThat(cli.err()).contains("unknown command \"train\"").contains("Usage: emergent");

    assertThat(emergent("plan")).isEqualTo(Main.BAD_INPUT);
    assertThat(emergent()).isEqualTo(Main.BAD_INPUT);
  }

  @Test
  void helpGoesToStandardOutput() {
    assertThat(emergent("--help")).isZero();

    assertThat(cli.out()).startsWith("Usage: emergent COMMAND");
  }
}
