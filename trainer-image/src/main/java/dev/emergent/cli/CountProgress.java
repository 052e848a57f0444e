package dev.emergent.cli;

import dev.emergent.local.ProgressBar;
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

  private static final long REDRAW_NANOS = 200_000_000L;
  private final ProgressBar bar;
  private final String label;
  private final long total;
  private final Unit unit;
  private final long started = System.nanoTime();

  CountProgress(PrintStream out, String label, long total, Unit unit) {
    this.bar = new ProgressBar(out, System.console() != null, REDRAW_NANOS);
    this.label = label;
    this.total = Math.max(1, total);
    this.unit = unit;
  }

  void update(long done) {
    bar.update(done, total, shown -> render(shown, done));
  }

  /** The final count: on a terminal the bar's last redraw, else a line unless one said it. */
  void finish(long done) {
    bar.end(done, total, shown -> render(shown, done));
  }

  private String render(String shown, long done) {
    double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
    String format =
        unit == Unit.IDS ? "%s %s %.0f/%.0f %s %.0f %s/s" : "%s %s %.1f/%.1f %s %.1f %s/s";
    return String.format(
        format,
        label,
        shown,
        done / unit.scale,
        total / unit.scale,
        unit.name,
        done / unit.scale / seconds,
        unit.name);
  }
}
