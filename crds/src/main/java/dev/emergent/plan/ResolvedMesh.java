package dev.emergent.plan;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.MeshAxis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mesh with every size known. Ranks are laid out row-major over the axes, the last axis fastest,
 * and rank = pod × devicesPerPod + local rank, so the last axes stay inside a pod.
 */
public record ResolvedMesh(List<Axis> axes, int pods, int devicesPerPod, Device device) {

  public static final String DATA = MeshAxis.DATA;
  public static final String MODEL = MeshAxis.MODEL;

  /** One named axis and its size. */
  public record Axis(String name, int size) {}

  public ResolvedMesh {
    axes = List.copyOf(axes);
  }

  public int deviceCount() {
    return pods * devicesPerPod;
  }

  /** Size of the named axis, or 1 when the mesh does not have it. */
  public int size(String axis) {
    return axes.stream()
        .filter(a -> a.name().equals(axis))
        .mapToInt(Axis::size)
        .findFirst()
        .orElse(1);
  }

  /** Position of {@code rank} along each axis, in axis order. */
  public Map<String, Integer> coordinates(int rank) {
    if (rank < 0 || rank >= deviceCount()) {
      throw new IllegalArgumentException("rank " + rank + " outside 0.." + (deviceCount() - 1));
    }
    Map<String, Integer> coordinates = new LinkedHashMap<>();
    int stride = deviceCount();
    int rest = rank;
    for (Axis axis : axes) {
      stride /= axis.size();
      coordinates.put(axis.name(), rest / stride);
      rest %= stride;
    }
    return coordinates;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (Axis axis : axes) {
      text.append(text.isEmpty() ? "" : " × ").append(axis.name()).append('=').append(axis.size());
    }
    return text
        + " ("
        + pods
        + (pods == 1 ? " pod" : " pods")
        + " × "
        + devicesPerPod
        + " "
        + device.name().toLowerCase()
        + ")";
  }
}
