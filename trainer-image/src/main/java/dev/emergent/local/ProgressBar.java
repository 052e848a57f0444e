package dev.emergent.local;

import java.io.PrintStream;
import java.util.function.Function;

/**
 * A progress bar, {@code [#####...]}, of done out of total: redrawn in place on a terminal (at most
 * once per {@code redrawNanos}), or, when output goes to a file or a pipe, printed as a plain line
 * each time another tenth is done. Callers write the line around the bar.
 */
public final class ProgressBar {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final boolean terminal;
  private final long redrawNanos;
  private long lastDraw;
  private long lastTenth = -1;

  public ProgressBar(PrintStream out, boolean terminal, long redrawNanos) {
    this.out = out;
    this.terminal = terminal;
    this.redrawNanos = redrawNanos;
  }

  /** Shows {@code line} of the bar for {@code done} of {@code total}, if it is time to. */
  public void update(long done, long total, Function<String, String> line) {
    long tenth = done * 10 / Math.max(1, total);
    if (terminal) {
      long now = System.nanoTime();
      if (lastDraw == 0 || now - lastDraw >= redrawNanos) {
        lastDraw = now;
        out.print("\r" + line.apply(bar(done, total)));
        out.flush();
      }
    } else if (tenth > lastTenth) {
      lastTenth = tenth;
      out.println(line.apply(bar(done, total)));
    }
  }

  /** The last state: redrawn and ended on a terminal, else printed unless its line was. */
  public void end(long done, long total, Function<String, String> line) {
    if (terminal) {
      out.println("\r" + line.apply(bar(done, total)));
    } else if (lastTenth < 10) {
      out.println(line.apply(bar(done, total)));
    }
  }

  /** Ends the bar's line on a terminal, so that what follows starts a line of its own. */
  public void close() {
    if (terminal) {
      out.println();
    }
  }

  private static String bar(long done, long total) {
    long clamped = Math.max(1, total);
    int filled = (int) (WIDTH * Math.min(done, clamped) / clamped);
    return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
  }
}
