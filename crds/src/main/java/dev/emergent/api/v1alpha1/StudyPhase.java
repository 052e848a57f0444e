package dev.emergent.api.v1alpha1;

/** Phase of a scaling study. */
public enum StudyPhase {
  /** Training the ladder. */
  Running,
  /** The ladder is fitted; training the runs it predicts. */
  Predicting,
  Succeeded,
  Failed,
  /** The spec breaks a rule that admission could not check; nothing was created. */
  Invalid
}
