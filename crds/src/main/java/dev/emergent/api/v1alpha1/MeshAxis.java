package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One named axis of the device mesh. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MeshAxis {
  /** Batch split: each rank trains on its rows, gradients are all-reduced. */
  public static final String DATA = "data";

  /** Tensor parallel: attention heads and MLP columns split across the ranks of the axis. */
  public static final String MODEL = "model";

  /** The axis names the trainer implements. */
  public static final List<String> KNOWN_NAMES = List.of(DATA, MODEL);

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
