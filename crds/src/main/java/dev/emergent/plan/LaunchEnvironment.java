package dev.emergent.plan;

import dev.emergent.api.v1alpha1.Device;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The launch contract between launchers (operator, local runner) and the trainer. Launchers set the
 * common variables from {@link #common}; each adds the rank (the operator through {@code
 * JOB_COMPLETION_INDEX} and {@link #DEVICES_PER_POD}) and the run token (the operator from a
 * Secret, never in a pod spec).
 */
public final class LaunchEnvironment {
  public static final String STAGE_CONFIG = "EMERGENT_STAGE_CONFIG";
  public static final String RANK = "EMERGENT_RANK";
  public static final String WORLD_SIZE = "EMERGENT_WORLD_SIZE";
  public static final String COORDINATOR = "EMERGENT_COORDINATOR";
  public static final String RUN_TOKEN = "EMERGENT_RUN_TOKEN";
  public static final String DEVICES_PER_POD = "EMERGENT_DEVICES_PER_POD";

  /**
   * Which of its pod's devices a trainer process drives, 0..devicesPerPod-1; set by the launcher.
   */
  public static final String LOCAL_RANK = "EMERGENT_LOCAL_RANK";

  /** The mesh's device kind, {@code cpu} or {@code cuda}: the launcher pins cuda ranks to GPUs. */
  public static final String DEVICE = "EMERGENT_DEVICE";

  public static final String TERMINATION_LOG = "EMERGENT_TERMINATION_LOG";
  public static final String JOB_COMPLETION_INDEX = "JOB_COMPLETION_INDEX";

  /** Root of the checkpoint tree; the operator mounts the checkpoint volume there. */
  public static final String CHECKPOINT_ROOT = "EMERGENT_CHECKPOINT_ROOT";

  /** Folder that relative JSONL paths resolve against; default: the checkpoint root. */
  public static final String DATA_ROOT = "EMERGENT_DATA_ROOT";

  /** Port of rank 0's /progress and /metrics; 0 picks a free one. */
  public static final String PROGRESS_PORT = "EMERGENT_PROGRESS_PORT";

  /** The progress port when a launcher sets none; the operator's default too. */
  public static final int DEFAULT_PROGRESS_PORT = 8080;

  /** Port rank 0 listens on for rendezvous, the same default as torch.distributed. */
  public static final int COORDINATOR_PORT = 29500;

  /**
   * Variables that put the BLAS's idle threads to sleep, for every trainer process. The fused
   * passes run on the trainer's own threads between products, on the same cores. OpenBLAS as ND4J
   * bundles it keeps its own pthreads, which OpenMP's wait policy does not reach: after each
   * product they spin for 2^28 cycles by default, longer than the gaps between a training step's
   * products, so they took a core from every fused pass; {@code OPENBLAS_THREAD_TIMEOUT=4} (2^4
   * cycles, the least it takes) lets them sleep at once. {@code OMP_WAIT_POLICY} does the same for
   * libnd4j's OpenMP threads. See docs/performance.md for what each was worth. Sorted, so that a
   * pod template made from it is the same in every JVM.
   */
  public static final SortedMap<String, String> BLAS_THREADS_SLEEP =
      Collections.unmodifiableSortedMap(
          new TreeMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "OPENBLAS_THREAD_TIMEOUT", "4")));

  private LaunchEnvironment() {}

  /** Variables every rank of a stage shares. */
  public static Map<String, String> common(
      StagePlan stage, String configPath, String coordinatorHost, int coordinatorPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(STAGE_CONFIG, configPath);
    env.put(WORLD_SIZE, Integer.toString(stage.worldSize()));
    env.put(DEVICES_PER_POD, Integer.toString(stage.mesh().devicesPerPod()));
    env.put(DEVICE, stage.mesh().device() == Device.CUDA ? "cuda" : "cpu");
    env.put(COORDINATOR, coordinatorHost + ":" + coordinatorPort);
    return env;
  }

  /** Where this process writes its termination summary: Kubernetes' default file, unless set. */
  public static Path terminationLog(Map<String, String> env) {
    return Path.of(env.getOrDefault(TERMINATION_LOG, "/dev/termination-log"));
  }

  /**
   * The rank of this process: {@code EMERGENT_RANK} when a launcher set it, otherwise the pod's
   * {@code JOB_COMPLETION_INDEX} × devices per pod + {@code EMERGENT_LOCAL_RANK} (default 0); 0
   * when neither is set, a world of one started by hand.
   */
  public static int rank(Map<String, String> env) {
    String rank = env.get(RANK);
    if (rank != null) {
      return Integer.parseInt(rank);
    }
    String index = env.get(JOB_COMPLETION_INDEX);
    if (index == null) {
      return 0;
    }
    int devicesPerPod = Integer.parseInt(env.getOrDefault(DEVICES_PER_POD, "1"));
    int localRank = Integer.parseInt(env.getOrDefault(LOCAL_RANK, "0"));
    return Integer.parseInt(index) * devicesPerPod + localRank;
  }
}
