package dev.emergent.local;

import dev.emergent.plan.Progress;
import java.io.PrintStream;

/**
 * One progress bar per stage, with its step, loss, throughput and ETA: redrawn in place on a
 * terminal, a plain line every tenth of the stage when output goes to a file or a pipe, then the
 * stage's outcome.
 */
final class ProgressLine {
  private final PrintStream out;
  private final ProgressBar bar;
  private final String label;

  ProgressLine(PrintStream out, boolean terminal, String label) {
    this.out = out;
    this.bar = new ProgressBar(out, terminal, 0);
    this.label = label;
  }

  void update(Progress progress) {
    long total = Math.max(1, progress.totalSteps());
    bar.update(progress.step(), total, shown -> render(shown, progress.step(), total, progress));
  }

  void finish(String outcome) {
    bar.close();
    out.println(label + " " + outcome);
  }

  private String render(String bar, long step, long total, Progress p) {
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
