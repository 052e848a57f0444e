package dev.emergent.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How the trainer ends: the trainer exits with these codes and names them in its {@link
 * TerminationSummary}; the operator and the local runner read them (table in
 * trainer-image/README.md).
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
  PEER_LOST(4),
  /** The stage has checkpoints and none passes verification; a retry would read the same bytes. */
  CHECKPOINT_CORRUPT(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The trainer's code, or empty for one it never uses (a kill, an out-of-memory exit). */
  public static Optional<ExitCode> of(int code) {
    return Arrays.stream(values()).filter(c -> c.code == code).findFirst();
  }

  /**
   * The code that explains a group of trainer processes that ended together (the ranks of one pod),
   * in the order they ended: a verdict that a retry cannot change (bad input, corrupt checkpoints,
   * divergence) outranks a crash (FAILED, a kill, any code the trainer never uses), which outranks
   * PEER_LOST, what the others say when one of them dies; among equals the first to end wins. 0
   * when the list is empty or all succeeded.
   */
  public static int worst(List<Integer> codesInOrderOfEnding) {
    int worst = 0;
    for (int code : codesInOrderOfEnding) {
      if (severity(code) > severity(worst)) {
        worst = code;
      }
    }
    return worst;
  }

  private static int severity(int code) {
    return switch (of(code).orElse(FAILED)) {
      case SUCCEEDED -> 0;
      case PEER_LOST -> 1;
      case FAILED -> 2;
      case LOSS_DIVERGED -> 3;
      case CHECKPOINT_CORRUPT -> 4;
      case BAD_INPUT -> 5;
    };
  }
}
