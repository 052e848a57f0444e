package dev.emergent.plan;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.api.v1alpha1.Limits;
import dev.emergent.api.v1alpha1.MeshAxis;
import dev.emergent.api.v1alpha1.MeshSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a mesh against the mesh rules and fills in the -1 axis, pods and defaults. */
final class MeshResolver {
  private static final Pattern DNS_LABEL = Pattern.compile(Limits.DNS_LABEL);

  private MeshResolver() {}

  /**
   * Checks the mesh rules that span fields (the twins of the CRD's CEL rules) and resolves the
   * mesh; empty when a rule or a per-field bound (reported by {@link SchemaChecks}) is broken.
   */
  static Optional<ResolvedMesh> resolve(MeshSpec mesh, String path, FieldChecks checks) {
    int before = checks.violations().size();
    List<MeshAxis> axes = mesh.axes == null ? List.of() : mesh.axes;
    if (axes.size() <= Limits.MAX_AXES) {
      // Past the schema's bound the API server stops before the CEL rules, and so does this.
      checkAxes(axes, path, checks);
    }
    if (checks.violations().size() > before || !withinBounds(mesh, axes)) {
      return Optional.empty();
    }

    int devicesPerPod = mesh.devicesPerPod == null ? Defaults.DEVICES_PER_POD : mesh.devicesPerPod;
    long known =
        axes.stream().filter(a -> a.size != -1).mapToLong(a -> a.size).reduce(1, (x, y) -> x * y);
    boolean inferred = axes.stream().anyMatch(a -> a.size == -1);
    long devices;
    if (inferred) {
      if (mesh.pods == null) {
        checks.fail(path + ".pods", "required when an axis size is -1");
        return Optional.empty();
      }
      devices = (long) mesh.pods * devicesPerPod;
      if (devices % known != 0) {
        checks.fail(
            path + ".axes",
            "pods × devicesPerPod ("
                + devices
                + ") is not divisible by the product of the other"
                + " axis sizes ("
                + known
                + ")");
        return Optional.empty();
      }
    } else {
      devices = known;
      if (mesh.pods != null && (long) mesh.pods * devicesPerPod != devices) {
        checks.fail(
            path + ".pods",
            "the product of the axis sizes ("
                + devices
                + ") must equal pods × devicesPerPod ("
                + mesh.pods
                + " × "
                + devicesPerPod
                + ")");
        return Optional.empty();
      }
      if (devices % devicesPerPod != 0) {
        checks.fail(
            path + ".devicesPerPod",
            "must divide the device count (" + devices + "), got " + devicesPerPod);
        return Optional.empty();
      }
    }
    if (devices > (long) Limits.MAX_PODS * Limits.MAX_DEVICES_PER_POD) {
      checks.fail(
          path + ".axes",
          "at most " + Limits.MAX_PODS * Limits.MAX_DEVICES_PER_POD + " devices, got " + devices);
      return Optional.empty();
    }
    List<ResolvedMesh.Axis> resolved = new ArrayList<>();
    for (MeshAxis axis : axes) {
      resolved.add(
          new ResolvedMesh.Axis(axis.name, axis.size == -1 ? (int) (devices / known) : axis.size));
    }
    Device device = mesh.device == null ? Device.CPU : mesh.device;
    return Optional.of(
        new ResolvedMesh(resolved, (int) (devices / devicesPerPod), devicesPerPod, device));
  }

  private static boolean withinBounds(MeshSpec mesh, List<MeshAxis> axes) {
    return !axes.isEmpty()
        && axes.size() <= Limits.MAX_AXES
        && axes.stream()
            .allMatch(a -> a.name != null && a.size != null && a.size <= Limits.MAX_AXIS_SIZE)
        && (mesh.pods == null || (mesh.pods >= 1 && mesh.pods <= Limits.MAX_PODS))
        && (mesh.devicesPerPod == null
            || (mesh.devicesPerPod >= 1 && mesh.devicesPerPod <= Limits.MAX_DEVICES_PER_POD));
  }

  private static void checkAxes(List<MeshAxis> axes, String path, FieldChecks checks) {
    Set<String> seen = new HashSet<>();
    int inferred = 0;
    for (int i = 0; i < axes.size(); i++) {
      MeshAxis axis = axes.get(i);
      String at = path + ".axes[" + i + "]";
      if (axis.name != null) {
        if (!seen.add(axis.name)) {
          checks.fail(at + ".name", "axis names must be unique, \"" + axis.name + "\" repeats");
        } else if (DNS_LABEL.matcher(axis.name).matches()
            && !MeshAxis.KNOWN_NAMES.contains(axis.name)) {
          checks.fail(
              at + ".name",
              "unknown axis \""
                  + axis.name
                  + "\" (supported: "
                  + String.join(", ", MeshAxis.KNOWN_NAMES)
                  + ")");
        }
      }
      if (axis.size != null) {
        if (axis.size == -1) {
          inferred++;
        } else if (axis.size == 0) {
          checks.fail(
              at + ".size",
              "must be between 1 and "
                  + Limits.MAX_AXIS_SIZE
                  + ", or -1 to fill in from pods × devicesPerPod, got "
                  + axis.size);
        }
      }
    }
    if (inferred > 1) {
      checks.fail(path + ".axes", "at most one axis size may be -1, got " + inferred);
    }
  }
}
