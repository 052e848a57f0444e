package dev.emergent.api.v1alpha1;

/** Phase of a whole run. */
public enum RunPhase {
  Pending,
  Queued,
  Running,
  Succeeded,
  Failed,
  Suspended
}
