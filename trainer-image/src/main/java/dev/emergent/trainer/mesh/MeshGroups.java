package dev.emergent.trainer.mesh;

import dev.emergent.plan.ResolvedMesh;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The process groups of a mesh: per axis, the ranks that differ only along that axis. */
public final class MeshGroups {
  private MeshGroups() {}

  /** Global ranks of {@code rank}'s group along {@code axis}, ordered by that coordinate. */
  public static List<Integer> along(ResolvedMesh mesh, String axis, int rank) {
    Map<String, Integer> mine = mesh.coordinates(rank);
    if (!mine.containsKey(axis)) {
      return List.of(rank);
    }
    List<Integer> group = new ArrayList<>();
    for (int other = 0; other < mesh.deviceCount(); other++) {
      Map<String, Integer> theirs = mesh.coordinates(other);
      boolean sameElsewhere =
          mine.entrySet().stream()
              .allMatch(
                  e -> e.getKey().equals(axis) || e.getValue().equals(theirs.get(e.getKey())));
      if (sameElsewhere) {
        group.add(other);
      }
    }
    return group;
  }
}
