package dev.emergent.trainer.checkpoint;

/** A stage has checkpoints to resume from, and none of them passes verification. */
public class CheckpointCorruptException extends CheckpointException {
  public CheckpointCorruptException(String message) {
    super(message);
  }
}
