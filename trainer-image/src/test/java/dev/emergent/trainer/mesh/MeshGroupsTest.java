package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.plan.ResolvedMesh;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshGroupsTest {
  private static final ResolvedMesh DATA2_MODEL2 =
      new ResolvedMesh(
          List.of(new ResolvedMesh.Axis("data", 2), new ResolvedMesh.Axis("model", 2)),
          4,
          1,
          Device.CPU);

  @Test
  void groupsHoldTheRanksThatDifferOnlyAlongTheirAxis() {
    assertThat(MeshGroups.along(DATA2_MODEL2, "model", 0)).containsExactly(0, 1);
    assertThat(MeshGroups.along(DATA2_MODEL2, "model", 3)).containsExactly(2, 3);
    assertThat(MeshGroups.along(DATA2_MODEL2, "data", 0)).containsExactly(0, 2);
    assertThat(MeshGroups.along(DATA2_MODEL2, "data", 3)).containsExactly(1, 3);
  }

  @Test
  void anAxisTheMeshLacksIsAGroupOfOne() {
    assertThat(MeshGroups.along(DATA2_MODEL2, "pipeline", 2)).containsExactly(2);
  }
}
