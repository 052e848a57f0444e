package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of device one mesh position runs on. */
public enum Device {
  @JsonProperty("cpu")
  CPU,
  @JsonProperty("cuda")
  CUDA
}
