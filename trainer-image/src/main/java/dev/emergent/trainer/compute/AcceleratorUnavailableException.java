package dev.emergent.trainer.compute;

/**
 * The stage's mesh device cannot be used here. Retrying on the same machine would fail the same
 * way, so the trainer exits with BAD_INPUT and the message says what is missing.
 */
public class AcceleratorUnavailableException extends RuntimeException {
  public AcceleratorUnavailableException(String message) {
    super(message);
  }
}
