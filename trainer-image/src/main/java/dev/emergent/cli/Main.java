package dev.emergent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The {@code emergent} command line: dispatches to one subcommand. */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;

  static final String USAGE =
      """
      Usage: emergent COMMAND [ARGS]

      Commands:
        plan FILE [--json]     check a TrainingRun and print its resolved plan: stages, pods,
                               each rank's mesh coordinates and the resolved stage configs
        run FILE [--workdir DIR] [--resume] [--only STAGE]
                               run every stage of a TrainingRun as local processes
        generate CHECKPOINT PROMPT...
                               complete prompts with a trained checkpoint
        --help                 show this text

      Exit codes: 0 done, 1 failed, 2 bad input (usage, file, spec or data), 3 loss diverged,
      4 a rank lost its peers.
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).print(USAGE);
      return args.length == 0 ? BAD_INPUT : OK;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "plan" -> new PlanCommand(out, err).run(rest);
      case "run" -> new RunCommand(out, err).run(rest);
      case "generate" -> new GenerateCommand(out, err).run(rest);
      default -> {
        err.println("emergent: unknown command \"" + args[0] + "\"\n");
        err.print(USAGE);
        yield BAD_INPUT;
      }
    };
  }
}
