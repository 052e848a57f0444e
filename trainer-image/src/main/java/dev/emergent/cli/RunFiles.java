package dev.emergent.cli;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.StudyPlanner;
import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and plans a TrainingRun or ScalingStudy file; says what is wrong in one message, never a
 * stack trace.
 */
final class RunFiles {
  /** A run and its plan. */
  record Planned(TrainingRun run, RunPlan plan) {}

  private RunFiles() {}

  static Optional<Planned> load(Path file, PrintStream err) {
    return load(
        file,
        "TrainingRun",
        err,
        () -> {
          TrainingRun run = TrainingRunFiles.read(file);
          return new Planned(run, Planner.plan(run));
        });
  }

  static Optional<StudyPlan> loadStudy(Path file, PrintStream err) {
    return load(
        file, "ScalingStudy", err, () -> StudyPlanner.plan(TrainingRunFiles.readStudy(file)));
  }

  /** What a file of this kind reads and plans to. */
  private interface Reader<T> {
    T read() throws IOException;
  }

  private static <T> Optional<T> load(Path file, String kind, PrintStream err, Reader<T> reader) {
    try {
      return Optional.of(reader.read());
    } catch (NoSuchFileException e) {
      err.println("emergent: " + file + ": no such file");
    } catch (InvalidSpecException e) {
      err.println("emergent: " + file + " is not a valid " + kind + ":");
      e.violations().forEach(v -> err.println("  " + v));
    } catch (IOException e) {
      err.println("emergent: " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
