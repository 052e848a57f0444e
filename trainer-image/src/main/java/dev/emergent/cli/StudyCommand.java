package dev.emergent.cli;

import dev.emergent.local.StudyRunner;
import dev.emergent.plan.StudyPlan;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emergent study FILE}: a ScalingStudy run locally. */
@Command(
    name = "study",
    description =
        "Run a ScalingStudy locally: its ladder of runs, the fit of L(N, D), then the runs it"
            + " predicts; resumes where an earlier invocation stopped. Ends with one line per"
            + " predicted run: predicted LOSS measured LOSS error E%.")
final class StudyCommand extends ConsoleCommand {
  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "Where runs, checkpoints and the report go (default .emergent/NAME).")
  Path workdir;

  @Parameters(index = "0", paramLabel = "FILE", description = "A ScalingStudy YAML file.")
  Path file;

  StudyCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  @Override
  public Integer call() throws Exception {
    Optional<StudyPlan> plan = RunFiles.loadStudy(file, err);
    if (plan.isEmpty()) {
      return Main.BAD_INPUT;
    }
    Path dir = workdir != null ? workdir : Path.of(".emergent", plan.get().study());
    return new StudyRunner(new StudyRunner.Options(file, dir, System.console() != null), out, err)
        .run(plan.get());
  }
}
