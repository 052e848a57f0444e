package dev.emergent.trainer.launch;

import dev.emergent.plan.LaunchEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one trainer process of a pod with several devices gets on top of the pod's environment and
 * JVM options. Pure, so the launcher's decisions are tested without starting processes.
 */
final class LocalRankEnvironment {
  static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";
  static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

  /** The JVM's default heap share of the container's memory, which k processes split. */
  private static final double DEFAULT_HEAP_PERCENT = 25.0;

  private LocalRankEnvironment() {}

  /**
   * Variables of local rank {@code localRank} of {@code devices}: its local rank, its own summary
   * file, on cuda the one GPU it drives, and its compute threads. The operator already sets the
   * pod's {@code OMP_NUM_THREADS} to one rank's share of the CPU request; without it each rank
   * takes an even share of the cores this launcher sees.
   */
  static Map<String, String> of(
      Map<String, String> pod, int localRank, int devices, int cores, Path summary) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(LaunchEnvironment.LOCAL_RANK, Integer.toString(localRank));
    env.put(LaunchEnvironment.TERMINATION_LOG, summary.toString());
    if ("cuda".equals(pod.get(LaunchEnvironment.DEVICE))) {
      env.put(CUDA_VISIBLE_DEVICES, gpu(pod.get(CUDA_VISIBLE_DEVICES), localRank, devices));
    }
    if (!pod.containsKey(OMP_NUM_THREADS)) {
      env.put(OMP_NUM_THREADS, Integer.toString(Math.max(1, cores / devices)));
    }
    return env;
  }

  /**
   * The GPU of a local rank. The device plugin names the pod's GPUs in CUDA_VISIBLE_DEVICES (ids or
   * UUIDs, not necessarily 0..k-1); each rank gets the one at its position. Without that list, the
   * pod sees its k GPUs as 0..k-1.
   */
  private static String gpu(String visible, int localRank, int devices) {
    if (visible != null && !visible.isBlank()) {
      String[] ids = visible.split(",");
      if (ids.length < devices) {
        throw new IllegalArgumentException(
            CUDA_VISIBLE_DEVICES
                + " names "
                + ids.length
                + " GPUs ("
                + visible
                + ") but the pod runs "
                + devices
                + " ranks");
      }
      return ids[localRank].strip();
    }
    return Integer.toString(localRank);
  }

  /**
   * JVM options of each rank: the launcher's own, and unless they size the heap, an even share of
   * the default one. k JVMs with the default 25% heap each (and JavaCPP allowing as much again off
   * heap) would promise the container k times the memory it has.
   */
  static List<String> jvmOptions(List<String> launcher, int devices) {
    List<String> options = new ArrayList<>(launcher);
    boolean sized =
        launcher.stream()
            .anyMatch(
                o ->
                    o.startsWith("-Xmx")
                        || o.startsWith("-XX:MaxRAMPercentage")
                        || o.startsWith("-XX:MaxRAM="));
    if (!sized) {
      options.add(
          String.format(Locale.ROOT, "-XX:MaxRAMPercentage=%.2f", DEFAULT_HEAP_PERCENT / devices));
    }
    boolean collector =
        launcher.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
    if (!collector) {
      // A rank's garbage is small and its cores are few: a parallel collector per rank would
      // start threads for every core of the node.
      options.add("-XX:+UseSerialGC");
    }
    return options;
  }
}
