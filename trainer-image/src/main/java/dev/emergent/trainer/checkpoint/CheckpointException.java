package dev.emergent.trainer.checkpoint;

/** A checkpoint that cannot be written or read: missing, corrupted or of another model. */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
