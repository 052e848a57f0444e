package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A fitted value and its 90% bootstrap interval. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Estimate {

  @JsonPropertyDescription("Fit to all runs.")
  public Double value;

  @JsonPropertyDescription("5th percentile of the fits to resampled runs.")
  public Double low;

  @JsonPropertyDescription("95th percentile of the fits to resampled runs.")
  public Double high;

  public Estimate() {}

  public Estimate(double value, double low, double high) {
    this.value = value;
    this.low = low;
    this.high = high;
  }
}
