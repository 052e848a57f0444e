package dev.emergent.trainer.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRankEnvironmentTest {
  private static final Path SUMMARY = Path.of("/tmp/rank-1.json");

  @Test
  void eachCudaRankDrivesTheGpuAtItsPositionInThePluginsList() {
    Map<String, String> pod =
        Map.of("EMERGENT_DEVICE", "cuda", "CUDA_VISIBLE_DEVICES", "GPU-a1, GPU-b2,GPU-c3,GPU-d4");

    assertThat(LocalRankEnvironment.of(pod, 1, 4, 64, SUMMARY))
        .containsEntry("CUDA_VISIBLE_DEVICES", "GPU-b2")
        .containsEntry("EMERGENT_LOCAL_RANK", "1")
        .containsEntry("EMERGENT_TERMINATION_LOG", "/tmp/rank-1.json");
    assertThat(LocalRankEnvironment.of(Map.of("EMERGENT_DEVICE", "cuda"), 3, 4, 64, SUMMARY))
        .containsEntry("CUDA_VISIBLE_DEVICES", "3");
  }

  @Test
  void fewerGpusThanRanksIsAnError() {
    Map<String, String> pod = Map.of("EMERGENT_DEVICE", "cuda", "CUDA_VISIBLE_DEVICES", "0,1");

    assertThatThrownBy(() -> LocalRankEnvironment.of(pod, 0, 4, 64, SUMMARY))
        .hasMessageContaining("names 2 GPUs (0,1) but the pod runs 4 ranks");
  }

  @Test
  void cpuRanksSeeNoGpuAndShareTheCoresUnlessTheOperatorSharedThem() {
    Map<String, String> alone = LocalRankEnvironment.of(Map.of(), 0, 4, 10, SUMMARY);
    Map<String, String> given =
        LocalRankEnvironment.of(Map.of("OMP_NUM_THREADS", "3"), 0, 4, 10, SUMMARY);

    assertThat(alone)
        .containsEntry("OMP_NUM_THREADS", "2")
        .doesNotContainKey("CUDA_VISIBLE_DEVICES");
    assertThat(LocalRankEnvironment.of(Map.of(), 0, 4, 2, SUMMARY))
        .containsEntry("OMP_NUM_THREADS", "1");
    assertThat(given).doesNotContainKey("OMP_NUM_THREADS");
  }

  @Test
  void ranksSplitTheDefaultHeapButKeepAHeapTheImageSets() {
    assertThat(LocalRankEnvironment.jvmOptions(List.of("-Dx=1"), 4))
        .containsExactly("-Dx=1", "-XX:MaxRAMPercentage=6.25", "-XX:+UseSerialGC");
    assertThat(LocalRankEnvironment.jvmOptions(List.of("-Xmx2g", "-XX:+UseParallelGC"), 4))
        .containsExactly("-Xmx2g", "-XX:+UseParallelGC");
  }
}
