package dev.emergent.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A picocli command that prints results to {@code out} and progress and problems to {@code err}.
 */
abstract class ConsoleCommand implements Callable<Integer> {
  protected final PrintStream out;
  protected final PrintStream err;

  ConsoleCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }
}
