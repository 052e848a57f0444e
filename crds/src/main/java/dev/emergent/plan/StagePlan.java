package dev.emergent.plan;

import dev.emergent.api.v1alpha1.StageType;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** One stage as it will run: its gang, each rank's place, and its resolved configuration. */
public record StagePlan(
    int index,
    String name,
    StageType type,
    ResolvedMesh mesh,
    List<RankPlacement> ranks,
    StageConfig config,
    ResourceRequirements resources) {

  public StagePlan {
    ranks = List.copyOf(ranks);
  }

  public int worldSize() {
    return mesh.deviceCount();
  }

  public int pods() {
    return mesh.pods();
  }
}
