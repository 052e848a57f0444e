package dev.emergent.cli;

import java.io.PrintStream;

/**
 * A progress bar over a count (bytes, tokens, ids): redrawn in place on a terminal at most five
 * times a second, a plain line every tenth when output goes to a file or a pipe.
 */
final class CountProgress {
  /** How a count is shown: in millions of bytes, or as it is. */
  enum Unit {
    MEGABYTES(1e6, "MB"),
    IDS(1, "ids");

    final double scale;
    final String name;

    Unit(double scale, String name) {
      this.scale = scale;
      this.name = name;
    }
  }

  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 200_000_000L;
  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private final long total;
  private final Unit unit;
  private final long started = System.nanoTime();
  private long lastDraw;
  private long lastTenth = -1;

  CountProgress(PrintStream out, String label, long total, Unit unit) {
    this.unit = unit;
    this.out = out;
    this.terminal = System.console() != null;
    this.label = label;
    this.total = Math.max(1, total);
  }

  void update(long done) {
    long now = System.nanoTime();
    if (terminal) {
      if (now - lastDraw >= REDRAW_NANOS) {
        lastDraw = now;
        out.print("\r" + render(done, now));
        out.flush();
      }
    } else if (done * 10 / total > lastTenth) {
      lastTenth = done * 10 / total;
      out.println(render(done, now));
    }
  }

  /** The final count: on a terminal the bar's last redraw, else a line unless one said it. */
  void finish(long done) {
    String text = render(done, System.nanoTime());
    if (terminal) {
      out.println("\r" + text);
    } else if (lastTenth < 10) {
      out.println(text);
    }
  }

  private String render(long done, long now) {
    long shown = Math.min(done, total);
    int filled = (int) (WIDTH * shown / total);
    double seconds = Math.max(1e-9, (now - started) / 1e9);
    String format =
        unit == Unit.IDS ? "%s [%s%s] %.0f/%.0f %s %.0f %s/s" : "%s [%s%s] %.1f/%.1f %s %.1f %s/s";
    return String.format(
        format,
        label,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        done / unit.scale,
        total / unit.scale,
        unit.name,
        done / unit.scale / seconds,
        unit.name);
  }
}
