package dev.emergent.api.v1alpha1;

/** Phase of one stage. */
public enum StagePhase {
  Pending,
  Queued,
  Running,
  Restarting,
  Succeeded,
  Failed,
  Suspended
}
