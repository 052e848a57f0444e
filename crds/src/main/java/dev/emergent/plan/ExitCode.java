package dev.emergent.trainer.run;

/**
 * How the trainer ends; the operator and the local runner read these codes and the termination
 * summary (see trainer-image/README.md).
 */
public enum ExitCode {
  /** The stage finished and published its final checkpoint. */
  SUCCEEDED(0),
  /** Anything unexpected; the stage may be retried from its latest checkpoint. */
  FAILED(1),
  /** The stage config, a data file or an input checkpoint cannot be used; retrying won't help. */
  BAD_INPUT(2),
  /** The loss became NaN or infinite; retrying from the same checkpoint would diverge again. */
  LOSS_DIVERGED(3),
  /** Another rank vanished or stopped answering; restart the gang. */
  PEER_LOST(4);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
