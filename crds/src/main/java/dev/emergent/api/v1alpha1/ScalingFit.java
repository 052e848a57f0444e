package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** L(N, D) = E + A/N^alpha + B/D^beta with bootstrap intervals, and its compute optimum. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingFit {

  @JsonPropertyDescription("Irreducible loss E.")
  public Estimate e;

  @JsonPropertyDescription("Size coefficient A.")
  public Estimate a;

  @JsonPropertyDescription("Size exponent alpha.")
  public Estimate alpha;

  @JsonPropertyDescription("Data coefficient B.")
  public Estimate b;

  @JsonPropertyDescription("Data exponent beta.")
  public Estimate beta;

  @JsonPropertyDescription("Runs the law was fitted to.")
  public Integer runs;

  @JsonPropertyDescription("Root mean square of log(predicted / measured loss) over those runs.")
  public Double rmsLogError;

  @JsonPropertyDescription("FLOPs of the compute-optimal allocation below.")
  public Double computeBudget;

  @JsonPropertyDescription("Compute-optimal non-embedding parameters for computeBudget (C ≈ 6ND).")
  public Double optimalParameters;

  @JsonPropertyDescription("Compute-optimal tokens for computeBudget (C ≈ 6ND).")
  public Double optimalTokens;

  @JsonPropertyDescription("Loss the law predicts at that optimum.")
  public Double optimalLoss;
}
