package dev.emergent.trainer.run;

/** The training loss stopped being a finite number. */
public class LossDivergedException extends RuntimeException {
  private final long step;

  public LossDivergedException(long step, double loss) {
    super("loss diverged at step " + step + ": " + loss);
    this.step = step;
  }

  public long step() {
    return step;
  }
}
