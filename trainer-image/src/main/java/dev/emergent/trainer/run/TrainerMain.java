package dev.emergent.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.checkpoint.CheckpointException;
import dev.emergent.trainer.checkpoint.CheckpointStore;
import dev.emergent.trainer.data.BadInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  static final int DEFAULT_PROGRESS_PORT = 8080;

  private TrainerMain() {}

  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.out, System.err).code());
  }

  static ExitCode run(Map<String, String> env, PrintStream out, PrintStream err) {
    Path terminationLog =
        Path.of(env.getOrDefault(LaunchEnvironment.TERMINATION_LOG, "/dev/termination-log"));
    StageRunner.Outcome outcome;
    try {
      outcome = train(env, out);
    } catch (BadInputException | CheckpointException e) {
      outcome = failed(ExitCode.BAD_INPUT, e.getMessage());
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
    int rank =
        env.containsKey(LaunchEnvironment.RANK)
                || env.containsKey(LaunchEnvironment.JOB_COMPLETION_INDEX)
            ? LaunchEnvironment.rank(env, 0)
            : 0;
    if (worldSize != 1 || rank != 0) {
      throw new BadInputException(
          "this trainer runs one rank (world size 1); got rank "
              + rank
              + " of "
              + worldSize
              + ": sharding over a mesh is not built yet");
    }
    int threads =
        Integer.parseInt(
            env.getOrDefault(
                "OMP_NUM_THREADS", Integer.toString(Runtime.getRuntime().availableProcessors())));
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
                LaunchEnvironment.PROGRESS_PORT, Integer.toString(DEFAULT_PROGRESS_PORT)));
    try (ProgressServer server = new ProgressServer(port, current)) {
      out.printf(
          "rank 0 of 1, mesh %s, %d compute threads, progress on port %d%n",
          config.mesh(), threads, server.port());
      double peak = PeakFlops.measure();
      ProgressFile file = new ProgressFile(progressFile);
      return new StageRunner(
              config,
              store,
              dataRoot,
              peak,
              p -> {
                current.set(p);
                file.write(p);
              },
              out)
          .run();
    }
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
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("outcome", outcome.code().name());
    summary.put("exitCode", outcome.code().code());
    summary.put("step", outcome.step());
    summary.put("checkpoint", outcome.checkpoint());
    summary.put("metrics", outcome.metrics());
    if (outcome.message() != null) {
      summary.put("message", outcome.message());
    }
    try {
      Files.writeString(
          file, TrainingRunFiles.JSON.writeValueAsString(summary) + "\n", StandardCharsets.UTF_8);
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
