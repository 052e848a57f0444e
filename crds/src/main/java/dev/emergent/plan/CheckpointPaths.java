package dev.emergent.plan;

/** Checkpoint layout of DESIGN.md, relative to the checkpoint root: run/stage/step-n, latest. */
public final class CheckpointPaths {
  public static final String LATEST = "latest";

  private CheckpointPaths() {}

  public static String stageDirectory(String run, String stage) {
    return run + "/" + stage;
  }

  public static String latest(String run, String stage) {
    return stageDirectory(run, stage) + "/" + LATEST;
  }

  public static String step(String run, String stage, long step) {
    return stageDirectory(run, stage) + "/step-" + step;
  }
}
