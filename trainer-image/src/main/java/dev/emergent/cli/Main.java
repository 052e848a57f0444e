package dev.emergent.cli;

import dev.emergent.trainer.data.BadInputException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;

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
                               each rank's mesh coordinates and the resolved stage configs;
                               of a ScalingStudy, its runs with their N, D and compute
        run FILE [--workdir DIR] [--resume] [--only STAGE]
                               run every stage of a TrainingRun as local processes
        study FILE [--workdir DIR]
                               run a ScalingStudy locally: its ladder, the fit of L(N, D), the
                               runs it predicts, and a report
        generate [--text] CHECKPOINT PROMPT...
                               complete prompts (or continue text) with a trained checkpoint
        tokenizer train --vocab N -o FILE CORPUS...
                               learn a byte-level BPE tokenizer (tokenizer.json)
        data prepare --tokenizer T -o DIR INPUT...
                               tokenize a corpus into token shards with a manifest
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
      case "study" -> picocli(new StudyCommand(out, err), rest, out, err);
      case "generate" -> picocli(new GenerateCommand(out, err), rest, out, err);
      case "tokenizer" -> picocli(new TokenizerCommand(), rest, out, err);
      case "data" -> picocli(new DataCommand(), rest, out, err);
      default -> {
        err.println("emergent: unknown command \"" + args[0] + "\"\n");
        err.print(USAGE);
        yield BAD_INPUT;
      }
    };
  }

  /**
   * Runs a picocli command: usage errors and {@link BadInputException}s exit with {@link
   * #BAD_INPUT}; commands get the streams through a constructor (out, err) where they have one.
   */
  private static int picocli(Object command, String[] args, PrintStream out, PrintStream err) {
    CommandLine line =
        new CommandLine(
            command,
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> type) throws Exception {
                try {
                  return type.getDeclaredConstructor(PrintStream.class, PrintStream.class)
                      .newInstance(out, err);
                } catch (NoSuchMethodException e) {
                  return CommandLine.defaultFactory().create(type);
                }
              }
            });
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    line.setExecutionExceptionHandler(
        (e, failed, parsed) -> {
          if (e instanceof BadInputException) {
            err.println("emergent: " + e.getMessage());
            return BAD_INPUT;
          }
          throw e;
        });
    return line.execute(args);
  }

  /** A command that only groups subcommands: alone, it shows its usage and fails. */
  abstract static class CommandGroup implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return BAD_INPUT;
    }
  }
}
