package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Datasets the trainer generates itself, deterministically from the seed. */
public enum BuiltinDataset {
  /** Integer addition and subtraction; every stage type gets its own view of the same task. */
  @JsonProperty("arithmetic")
  ARITHMETIC
}
