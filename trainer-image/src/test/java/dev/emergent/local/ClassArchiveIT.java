package dev.emergent.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.cli.TinyRuns;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive with the packaged trainer, as {@code ./emergent} runs it: the first run leaves
 * an archive beside the jar, and the ranks of the next map it.
 */
class ClassArchiveIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path dir;

  private int emergent(Path spec, Path work, String javaToolOptions) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                TARGET.resolve("emergent-trainer.jar")
                    + File.pathSeparator
                    + TARGET.resolve("lib/*"),
                "dev.emergent.cli.Main",
                "run",
                spec.toString(),
                "--workdir",
                work.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(work.getFileName() + ".out").toFile());
    if (javaToolOptions != null) {
      builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
    }
    Process process = builder.start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("the run ended").isTrue();
    return process.exitValue();
  }

  @Test
  void theRanksOfTheNextRunMapTheArchiveTheFirstLeft() throws Exception {
    Path spec =
        TinyRuns.write(
            dir.resolve("tiny.yaml"),
            "tiny",
            "",
            "- {name: pretrain, type: Pretrain, data: {builtin: arithmetic, operandDigits: 1},"
                + " steps: 2, batchSize: 8}\n");
    assertThat(TARGET.resolve("emergent-trainer.jar")).as("the packaged trainer").exists();

    assertThat(emergent(spec, dir.resolve("first"), null)).isZero();
    assertThat(archives()).as("archives beside the jar").hasSize(1);

    Path cds = Files.createDirectory(dir.resolve("cds"));
    assertThat(emergent(spec, dir.resolve("second"), "-Xlog:cds=info:file=" + cds + "/%p.log"))
        .isZero();

    List<String> mapped;
    try (Stream<Path> logs = Files.list(cds)) {
      mapped =
          logs.map(ClassArchiveIT::read)
              .filter(log -> log.contains("Mapped dynamic region"))
              .filter(log -> log.contains(archives().get(0).toString()))
              .toList();
    }
    assertThat(mapped).as("ranks that mapped the archive").hasSize(2);
  }

  private static List<Path> archives() {
    try (Stream<Path> files = Files.list(TARGET)) {
      return files
          .filter(f -> f.getFileName().toString().matches("trainer-classes-\\p{XDigit}+\\.jsa"))
          .toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
