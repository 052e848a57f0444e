package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One named axis of the device mesh. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = CelRules.AXIS_SIZE_VALID,
    message = "size must be a positive integer, or -1 to fill in from pods × devicesPerPod",
    fieldPath = ".size")
public class MeshAxis {

  @Required
  @Size(min = 1, max = 32)
  @Pattern(Limits.DNS_LABEL)
  @JsonPropertyDescription("Axis name, unique in the mesh: data or model.")
  public String name;

  @Required
  @Min(-1)
  @Max(Limits.MAX_AXIS_SIZE)
  @JsonPropertyDescription(
      "Number of devices along the axis; -1 (at most one axis) means: whatever makes the product"
          + " equal pods × devicesPerPod.")
  public Integer size;

  public MeshAxis() {}

  public MeshAxis(String name, int size) {
    this.name = name;
    this.size = size;
  }
}
