package dev.emergent.study;

/** A finished run: its non-embedding parameters, its tokens and its final held-out loss. */
public record LossObservation(double parameters, double tokens, double loss) {
  public LossObservation {
    if (!(parameters > 0 && tokens > 0 && loss > 0 && Double.isFinite(loss))) {
      throw new IllegalArgumentException(
          "a run needs positive parameters, tokens and loss, got N="
              + parameters
              + " D="
              + tokens
              + " L="
              + loss);
    }
  }
}
