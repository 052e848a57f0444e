package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Shape of the learning rate after warmup. */
public enum LearningRateDecay {
  @JsonProperty("cosine")
  COSINE,
  @JsonProperty("linear")
  LINEAR,
  @JsonProperty("constant")
  CONSTANT
}
