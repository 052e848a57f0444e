package dev.emergent.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.Progress;
import dev.emergent.plan.ResolvedMesh;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TerminationSummary;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointCorruptException;
import dev.emergent.trainer.checkpoint.CheckpointException;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import dev.emergent.trainer.compute.Accelerators;
import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.mesh.MeshGroups;
import dev.emergent.trainer.mesh.PeerLostException;
import dev.emergent.trainer.mesh.ProcessGroup;
import dev.emergent.trainer.mesh.Rendezvous;
import dev.emergent.trainer.mesh.TensorParallel;
import dev.emergent.trainer.tensor.ComputeThreads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.openblas.global.openblas;

/**
 * The trainer process. Reads the launch environment of the design (EMERGENT_STAGE_CONFIG and
 * friends), runs its stage, and ends with a one-line JSON summary in the termination log and an
 * {@link ExitCode}.
 */
public final class TrainerMain {

  /** Seconds a rank waits for a peer (rendezvous, every collective) before it gives up. */
  public static final String PEER_TIMEOUT = "EMERGENT_PEER_TIMEOUT_SECONDS";

  private TrainerMain() {}

  public static void main(String[] args) {
    NativeLibraryCache.useWritableFolder();
    System.exit(run(System.getenv(), System.out, System.err).code());
  }

  static ExitCode run(Map<String, String> env, PrintStream out, PrintStream err) {
    Path terminationLog = LaunchEnvironment.terminationLog(env);
    StageRunner.Outcome outcome;
    try {
      outcome = train(env, out);
    } catch (CheckpointCorruptException e) {
      outcome = failed(ExitCode.CHECKPOINT_CORRUPT, e.getMessage());
    } catch (BadInputException | CheckpointException | AcceleratorUnavailableException e) {
      outcome = failed(ExitCode.BAD_INPUT, e.getMessage());
    } catch (PeerLostException e) {
      outcome = failed(ExitCode.PEER_LOST, e.getMessage());
    } catch (LossDivergedException e) {
      outcome =
          new StageRunner.Outcome(ExitCode.LOSS_DIVERGED, e.step(), null, Map.of(), e.getMessage());
    } catch (Exception e) {
      e.printStackTrace(err);
      outcome = failed(ExitCode.FAILED, e.toString());
    }
    if (outcome.message() != null) {
      err.println("emergent-trainer: " + outcome.message());
    }
    writeSummary(terminationLog, outcome, err);
    return outcome.code();
  }

  private static StageRunner.Outcome train(Map<String, String> env, PrintStream out)
      throws IOException {
    StageConfig config = readConfig(env);
    int worldSize = Integer.parseInt(env.getOrDefault(LaunchEnvironment.WORLD_SIZE, "1"));
    int rank = LaunchEnvironment.rank(env);
    checkMesh(config, worldSize, rank);
    Compute compute = Accelerators.compute(config.mesh().device(), env);
    int threads = ComputeThreads.of(env);
    openblas.blas_set_num_threads(threads);
    Path root = Path.of(env.getOrDefault(LaunchEnvironment.CHECKPOINT_ROOT, "/checkpoints"));
    Path dataRoot = Path.of(env.getOrDefault(LaunchEnvironment.DATA_ROOT, root.toString()));
    CheckpointStore store = new CheckpointStore(root);
    Path progressFile = root.resolve(config.checkpoint().directory()).resolve(Progress.FILE);
    AtomicReference<Progress> current =
        new AtomicReference<>(
            new Progress(
                config.run(),
                config.stage(),
                config.type().name(),
                "Starting",
                0,
                config.steps(),
                null,
                null,
                null,
                null,
                Map.of()));
    int port =
        Integer.parseInt(
            env.getOrDefault(
                LaunchEnvironment.PROGRESS_PORT,
                Integer.toString(LaunchEnvironment.DEFAULT_PROGRESS_PORT)));
    try (Rendezvous.Peers peers = rendezvous(env, rank, worldSize, out);
        ProgressServer server = rank == 0 ? new ProgressServer(port, current) : null;
        DataParallel dataParallel =
            DataParallel.over(axis(config, ResolvedMesh.DATA, rank, peers))) {
      TensorParallel tensorParallel =
          TensorParallel.over(axis(config, ResolvedMesh.MODEL, rank, peers));
      out.printf(
          "rank %d of %d at %s, mesh %s, %d compute threads, process %d%s%n",
          rank,
          worldSize,
          config.mesh().coordinates(rank),
          config.mesh(),
          threads,
          ProcessHandle.current().pid(),
          server != null ? ", progress on port " + server.port() : "");
      double peak = PeakFlops.measure();
      ProgressFile file = rank == 0 ? new ProgressFile(progressFile) : null;
      StageRunner.Outcome outcome =
          new StageRunner(
                  config,
                  store,
                  dataRoot,
                  peak,
                  p -> {
                    current.set(p);
                    if (file != null) {
                      file.write(p);
                    }
                  },
                  out,
                  compute,
                  rank,
                  dataParallel,
                  tensorParallel)
              .run();
      if (worldSize == 1) {
        return outcome;
      }
      // Rank 0's share of the mesh traffic, for bench/mesh-scaling and capacity planning.
      Map<String, Double> metrics = new LinkedHashMap<>(outcome.metrics());
      metrics.put("bytesSent", (double) peers.bytesSent());
      out.printf("sent %,d bytes to the other ranks%n", peers.bytesSent());
      return new StageRunner.Outcome(
          outcome.code(),
          outcome.step(),
          outcome.checkpoint(),
          metrics,
          outcome.message(),
          outcome.checkpointFallback());
    }
  }

  /** The ranks that share every coordinate with {@code rank} except the one along {@code axis}. */
  private static ProcessGroup axis(
      StageConfig config, String axis, int rank, Rendezvous.Peers peers) {
    return new ProcessGroup(MeshGroups.along(config.mesh(), axis, rank), peers);
  }

  private static void checkMesh(StageConfig config, int worldSize, int rank) {
    if (worldSize != config.mesh().deviceCount()) {
      throw new BadInputException(
          "EMERGENT_WORLD_SIZE is "
              + worldSize
              + " but the stage's mesh "
              + config.mesh()
              + " has "
              + config.mesh().deviceCount()
              + " devices");
    }
    if (rank < 0 || rank >= worldSize) {
      throw new BadInputException("rank " + rank + " outside 0.." + (worldSize - 1));
    }
  }

  /** Connects to the other ranks; a world of one needs nobody. */
  private static Rendezvous.Peers rendezvous(
      Map<String, String> env, int rank, int worldSize, PrintStream out) throws IOException {
    if (worldSize == 1) {
      return Rendezvous.alone();
    }
    String coordinator = env.get(LaunchEnvironment.COORDINATOR);
    String token = env.get(LaunchEnvironment.RUN_TOKEN);
    if (coordinator == null || token == null || !coordinator.contains(":")) {
      throw new BadInputException(
          "a world of "
              + worldSize
              + " ranks needs "
              + LaunchEnvironment.COORDINATOR
              + " (host:port) and "
              + LaunchEnvironment.RUN_TOKEN);
    }
    int colon = coordinator.lastIndexOf(':');
    Duration timeout = Duration.ofSeconds(Long.parseLong(env.getOrDefault(PEER_TIMEOUT, "60")));
    return Rendezvous.connect(
        rank,
        worldSize,
        coordinator.substring(0, colon),
        Integer.parseInt(coordinator.substring(colon + 1)),
        token,
        timeout,
        out);
  }

  private static StageConfig readConfig(Map<String, String> env) throws IOException {
    String path = env.get(LaunchEnvironment.STAGE_CONFIG);
    if (path == null) {
      throw new BadInputException(LaunchEnvironment.STAGE_CONFIG + " is not set");
    }
    try {
      return TrainingRunFiles.JSON.readValue(Path.of(path).toFile(), StageConfig.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new BadInputException(path + ": no such file");
    } catch (JsonProcessingException e) {
      throw new BadInputException(path + ": not a stage config: " + e.getOriginalMessage());
    }
  }

  private static StageRunner.Outcome failed(ExitCode code, String message) {
    return new StageRunner.Outcome(code, 0, null, Map.of(), message);
  }

  /** One JSON line for the operator (pod termination message) and the local runner. */
  private static void writeSummary(Path file, StageRunner.Outcome outcome, PrintStream err) {
    TerminationSummary summary =
        TerminationSummary.of(
            outcome.code(),
            outcome.step(),
            outcome.checkpoint(),
            outcome.metrics(),
            outcome.message(),
            outcome.checkpointFallback());
    try {
      summary.write(file);
    } catch (IOException e) {
      err.println(
          "emergent-trainer: could not write the termination summary to " + file + ": " + e);
    }
  }

  /** progress.json beside the checkpoints, replaced by rename, at most once a second. */
  static final class ProgressFile {
    private final Path file;
    private long lastWrite;

    ProgressFile(Path file) {
      this.file = file;
    }

    void write(Progress progress) {
      long now = System.nanoTime();
      if (progress.state().equals("Running") && now - lastWrite < 1_000_000_000L) {
        return;
      }
      lastWrite = now;
      try {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(Progress.FILE + ".tmp");
        Files.write(temporary, TrainingRunFiles.JSON.writeValueAsBytes(progress));
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
