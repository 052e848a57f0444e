package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Tokenizers the trainer knows. */
public enum Vocabulary {
  @JsonProperty("bytes")
  BYTES
}
