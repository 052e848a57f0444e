package dev.emergent.trainer.mesh;

/** A peer that vanished or stopped answering; the message names it and what was waited for. */
public class PeerLostException extends RuntimeException {
  private final int rank;

  public PeerLostException(int rank, String message, Throwable cause) {
    super(message, cause);
    this.rank = rank;
  }

  /** Global rank of the peer that was lost. */
  public int rank() {
    return rank;
  }
}
