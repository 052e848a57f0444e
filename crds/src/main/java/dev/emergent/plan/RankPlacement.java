package dev.emergent.plan;

import java.util.Map;

/** Where one rank runs: its pod, its slot in the pod and its mesh coordinates. */
public record RankPlacement(int rank, int pod, int localRank, Map<String, Integer> coordinates) {
  public RankPlacement {
    coordinates = Map.copyOf(coordinates);
  }
}
