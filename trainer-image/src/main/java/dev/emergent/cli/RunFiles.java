package dev.emergent.cli;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.Planner;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and plans a TrainingRun file; says what is wrong in one message, never a stack trace. */
final class RunFiles {
  /** A run and its plan. */
  record Planned(TrainingRun run, RunPlan plan) {}

  private RunFiles() {}

  static Optional<Planned> load(Path file, PrintStream err) {
    try {
      TrainingRun run = TrainingRunFiles.read(file);
      return Optional.of(new Planned(run, Planner.plan(run)));
    } catch (NoSuchFileException e) {
      err.println("emergent: " + file + ": no such file");
    } catch (InvalidSpecException e) {
      err.println("emergent: " + file + " is not a valid TrainingRun:");
      e.violations().forEach(v -> err.println("  " + v));
    } catch (IOException e) {
      err.println("emergent: " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }
}
