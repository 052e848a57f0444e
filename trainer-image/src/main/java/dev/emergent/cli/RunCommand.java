package dev.emergent.cli;

import dev.emergent.local.LocalRunner;
import dev.emergent.plan.StagePlan;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code emergent run FILE [--workdir DIR] [--resume] [--only STAGE]}. */
final class RunCommand {
  static final String USAGE = "Usage: emergent run FILE [--workdir DIR] [--resume] [--only STAGE]";
  private final PrintStream out;
  private final PrintStream err;

  RunCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String[] args) {
    Path file = null;
    Path workdir = null;
    boolean resume = false;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--resume" -> resume = true;
        case "--workdir", "--only" -> {
          if (i + 1 == args.length) {
            err.println(USAGE);
            return Main.BAD_INPUT;
          }
          if (args[i].equals("--workdir")) {
            workdir = Path.of(args[++i]);
          } else {
            only = args[++i];
          }
        }
        default -> {
          if (args[i].startsWith("--") || file != null) {
            err.println(USAGE);
            return Main.BAD_INPUT;
          }
          file = Path.of(args[i]);
        }
      }
    }
    if (file == null) {
      err.println(USAGE);
      return Main.BAD_INPUT;
    }
    Optional<RunFiles.Planned> planned = RunFiles.load(file, err);
    if (planned.isEmpty()) {
      return Main.BAD_INPUT;
    }
    String name = planned.get().plan().run();
    if (only != null && planned.get().plan().stage(only).isEmpty()) {
      err.println(
          "emergent: "
              + file
              + " has no stage \""
              + only
              + "\" (stages: "
              + String.join(
                  ", ", planned.get().plan().stages().stream().map(StagePlan::name).toList())
              + ")");
      return Main.BAD_INPUT;
    }
    Path dir = workdir != null ? workdir : Path.of(".emergent", name);
    LocalRunner.Options options =
        new LocalRunner.Options(file, dir, resume, only, System.console() != null, true);
    try {
      return new LocalRunner(options, out, err).run(planned.get().run());
    } catch (IOException e) {
      err.println("emergent: " + e.getMessage());
      return Main.FAILED;
    }
  }
}
