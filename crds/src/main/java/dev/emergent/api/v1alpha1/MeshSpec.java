package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * A GSPMD-style device mesh: ordered named axes whose sizes multiply to the device count. Ranks are
 * laid out row-major, the last axis fastest, so the last axis should be the one that talks the most
 * (model) and should stay inside a pod.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MeshSpec {

  @Required
  @Size(min = 1, max = Limits.MAX_AXES)
  @JsonPropertyDescription(
      "Named axes, outermost first. Known names: data (batch split, gradients all-reduced) and"
          + " model (tensor parallel: heads and MLP columns split).")
  public List<MeshAxis> axes;

  @Min(1)
  @Max(Limits.MAX_PODS)
  @JsonPropertyDescription(
      "Number of pods. Required when an axis size is -1; otherwise, if set, must equal the"
          + " device count divided by devicesPerPod. Default: that quotient.")
  public Integer pods;

  @Min(1)
  @Max(Limits.MAX_DEVICES_PER_POD)
  @JsonPropertyDescription("Devices (ranks) in each pod. Must divide the device count. Default: 1.")
  public Integer devicesPerPod;

  @JsonPropertyDescription("cpu or cuda (one GPU per device). Default: cpu.")
  public Device device;
}
