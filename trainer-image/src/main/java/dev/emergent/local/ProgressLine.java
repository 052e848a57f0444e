package dev.emergent.local;

import dev.emergent.plan.Progress;
import java.io.PrintStream;

/**
 * One progress bar per stage: redrawn in place on a terminal, a plain line every tenth of the stage
 * (and at its end) when output goes to a file or a pipe.
 */
final class ProgressLine {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private long lastTenth = -1;

  ProgressLine(PrintStream out, boolean terminal, String label) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
  }

  void update(Progress progress) {
    long step = progress.step();
    long total = Math.max(1, progress.totalSteps());
    String text = render(step, total, progress);
    if (terminal) {
      out.print("\r" + text);
      out.flush();
    } else if (step * 10 / total > lastTenth) {
      lastTenth = step * 10 / total;
      out.println(text);
    }
  }

  void finish(String outcome) {
    if (terminal) {
      out.println();
    }
    out.println(label + " " + outcome);
  }

  private String render(long step, long total, Progress p) {
    int filled = (int) (WIDTH * step / total);
    StringBuilder bar = new StringBuilder("[");
    bar.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("]");
    StringBuilder text =
        new StringBuilder(label)
            .append(' ')
            .append(bar)
            .append(' ')
            .append(step)
            .append('/')
            .append(total);
    if (p.loss() != null) {
      text.append(String.format(" loss %.4f", p.loss()));
    }
    if (p.tokensPerSecond() != null) {
      text.append(String.format(" %,.0f tok/s", p.tokensPerSecond()));
    }
    if (p.etaSeconds() != null && step < total) {
      long eta = Math.round(p.etaSeconds());
      text.append(String.format(" ETA %d:%02d", eta / 60, eta % 60));
    }
    return text.toString();
  }
}
