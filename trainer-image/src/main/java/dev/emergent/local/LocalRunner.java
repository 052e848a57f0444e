package dev.emergent.local;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.ExitCode;
import dev.emergent.plan.Planner;
import dev.emergent.plan.Progress;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.TerminationSummary;
import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a TrainingRun on this machine: the planner's stages in order, on one trainer process per
 * rank on 127.0.0.1 that stays warm from stage to stage ({@link RankWorkers}), each stage starting
 * from the checkpoint the stage before published, with a progress bar per stage and a report at the
 * end.
 */
public final class LocalRunner {
  private static final long POLL_MILLIS = 300;

  /**
   * What to run and where; without {@code report}, no report and no summary are written (a study
   * writes its own).
   */
  public record Options(
      Path file, Path workdir, boolean resume, String only, boolean terminal, boolean report) {}

  /** The exit code (the failing trainer's, or 0) and the stages that ran or ran earlier. */
  record Finished(int exitCode, List<StageResult> stages) {}

  private final Options options;
  private final PrintStream out;
  private final PrintStream err;
  private final AtomicReference<StageProcesses> running = new AtomicReference<>();
  private final ClassArchive archive = ClassArchive.forThisInstallation();
  private final RankWorkers shared;

  public LocalRunner(Options options, PrintStream out, PrintStream err) {
    this(options, out, err, null);
  }

  /**
   * A runner whose stages run on {@code workers}, which the caller closes: a study's runs share
   * them. Without, each run starts and closes its own.
   */
  LocalRunner(Options options, PrintStream out, PrintStream err, RankWorkers workers) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.shared = workers;
  }

  /** Runs the stages; returns the exit code (the failing trainer's, or 0). */
  public int run(TrainingRun run) throws IOException {
    return execute(run).exitCode();
  }

  Finished execute(TrainingRun run) throws IOException {
    String name = run.getMetadata().getName();
    Path workdir = options.workdir();
    Path checkpoints = workdir.resolve("checkpoints");
    Path logs = workdir.resolve("logs");
    Path configs = workdir.resolve("stages");
    Path runFolder = checkpoints.resolve(name);
    if (!options.resume() && options.only() == null && holdsCheckpoints(runFolder)) {
      err.println(
          "emergent: "
              + workdir
              + " already holds a run of "
              + name
              + "; add --resume to continue it, or pass another --workdir");
      return new Finished(ExitCode.BAD_INPUT.code(), List.of());
    }
    Files.createDirectories(logs);
    Files.createDirectories(configs);
    Path dataRoot = options.file().toAbsolutePath().getParent();
    Thread stopper = new Thread(this::stopRunning, "stop-trainers");
    Runtime.getRuntime().addShutdownHook(stopper);
    Instant started = Instant.now();
    List<StageResult> results = new ArrayList<>();
    Map<String, String> published = new LinkedHashMap<>();
    RunPlan plan = Planner.plan(run, published);
    int width =
        Math.max(10, plan.stages().stream().mapToInt(s -> s.name().length()).max().orElse(0));
    Path report = null;
    try (RankWorkers own = shared == null ? new RankWorkers(name, archive) : null) {
      RankWorkers workers = shared != null ? shared : own;
      for (int i = 0; i < plan.stages().size(); i++) {
        StagePlan stage = Planner.plan(run, published).stages().get(i);
        String label =
            String.format("[%d/%d] %-" + width + "s", i + 1, plan.stages().size(), stage.name());
        Optional<StageResult> done = finished(stage, logs);
        if ((options.only() != null && !options.only().equals(stage.name()))
            || (done.isPresent() && (options.resume() || options.only() != null))) {
          done.ifPresent(
              d -> {
                results.add(d);
                published.put(stage.name(), d.checkpoint());
                out.println(label + " done earlier: " + d.checkpoint());
              });
          continue;
        }
        StageResult result = runStage(stage, label, checkpoints, dataRoot, logs, configs, workers);
        results.add(result);
        if (result.exitCode() != 0) {
          return new Finished(result.exitCode(), results);
        }
        published.put(stage.name(), result.checkpoint());
      }
      if (options.report()) {
        // Before the workers leave: they make the report's samples.
        Sampler sampler = workers.sampler(logs, new ChildSampler(archive.mapping()));
        report =
            new ReportWriter(workdir.resolve("report"), plan, results, sampler).write(checkpoints);
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(stopper);
    }
    if (report != null) {
      summary(results, Duration.between(started, Instant.now()), report, width);
    }
    return new Finished(0, results);
  }

  private StageResult runStage(
      StagePlan stage,
      String label,
      Path checkpoints,
      Path dataRoot,
      Path logs,
      Path configs,
      RankWorkers workers)
      throws IOException {
    Path config = configs.resolve(stage.name() + ".json");
    TrainingRunFiles.JSON
        .writerWithDefaultPrettyPrinter()
        .writeValue(config.toFile(), stage.config());
    Path progressFile =
        checkpoints.resolve(stage.config().checkpoint().directory()).resolve(Progress.FILE);
    Files.deleteIfExists(progressFile);
    ProgressLine bar = new ProgressLine(out, options.terminal(), label);
    List<double[]> curve = new ArrayList<>();
    Instant start = Instant.now();
    try (StageProcesses processes =
        StageProcesses.start(stage, config, checkpoints, dataRoot, logs, workers)) {
      running.set(processes);
      long lastStep = -1;
      while (true) {
        Optional<Progress> progress = Progress.read(progressFile);
        if (progress.isPresent() && progress.get().step() != lastStep) {
          lastStep = progress.get().step();
          bar.update(progress.get());
          Map<String, Double> metrics = progress.get().metrics();
          Double value =
              metrics == null ? null : metrics.get(ReportWriter.curveMetric(stage.type()));
          if (value != null) {
            curve.add(new double[] {lastStep, value});
          }
        }
        Optional<Integer> failed = processes.failedRank();
        if (failed.isPresent()) {
          int rank = failed.get();
          int code = processes.exitCode(rank);
          bar.finish("failed");
          err.println(
              "emergent: stage "
                  + stage.name()
                  + " failed: rank "
                  + rank
                  + " exited with code "
                  + code
                  + " ("
                  + meaning(code)
                  + ")"
                  + message(processes.summary(rank)));
          err.println("  log: " + processes.log(rank));
          tail(processes.log(rank), 8).forEach(line -> err.println("  | " + line));
          return new StageResult(
              stage.name(),
              stage.type().name(),
              code == 0 ? 1 : code,
              null,
              Map.of(),
              Duration.between(start, Instant.now()),
              curve);
        }
        if (processes.allDone()) {
          break;
        }
        awaitExit(processes);
      }
    } finally {
      running.set(null);
    }
    TerminationSummary summary =
        TerminationSummary.read(logs.resolve(stage.name() + "-rank0.json"))
            .orElseThrow(
                () -> new IllegalStateException("rank 0 of " + stage.name() + " left no summary"));
    bar.finish(
        String.format(
            "done in %s, checkpoint %s",
            format(Duration.between(start, Instant.now())), summary.checkpoint()));
    return new StageResult(
        stage.name(),
        stage.type().name(),
        0,
        summary.checkpoint(),
        summary.metrics(),
        Duration.between(start, Instant.now()),
        curve);
  }

  /** A stage that succeeded in an earlier invocation, as its rank 0 summary says. */
  private static Optional<StageResult> finished(StagePlan stage, Path logs) throws IOException {
    return TerminationSummary.read(logs.resolve(stage.name() + "-rank0.json"))
        .filter(TerminationSummary::succeeded)
        .map(
            summary ->
                new StageResult(
                    stage.name(),
                    stage.type().name(),
                    0,
                    Objects.requireNonNullElse(
                        summary.checkpoint(),
                        CheckpointPaths.latest(stage.config().run(), stage.name())),
                    summary.metrics(),
                    Duration.ZERO,
                    List.of()));
  }

  /** {@code width}: the stage-name column, as wide as in the progress lines. */
  private void summary(List<StageResult> results, Duration total, Path report, int width) {
    out.println();
    out.println("Done in " + format(total) + ". Report: " + report.toAbsolutePath());
    for (StageResult r : results) {
      StringBuilder line =
          new StringBuilder(String.format("  %-" + width + "s %-12s", r.name(), r.type()));
      for (String key :
          List.of(
              "evalLoss",
              "exactMatch",
              "rewardAccuracy",
              "referenceSampleExactMatch",
              "sampleExactMatch",
              "sampleScoreGain",
              "referenceTrainSampleExactMatch",
              "trainSampleExactMatch",
              "kl")) {
        if (r.metrics().containsKey(key)) {
          line.append(String.format(" %s %.3f", key, r.metrics().get(key)));
        }
      }
      out.println(line);
    }
  }

  /** Called on Ctrl-C: no trainer outlives the runner. */
  private void stopRunning() {
    StageProcesses processes = running.get();
    if (processes != null) {
      processes.close();
    }
  }

  private static boolean holdsCheckpoints(Path runFolder) throws IOException {
    if (!Files.isDirectory(runFolder)) {
      return false;
    }
    try (var children = Files.list(runFolder)) {
      return children.findAny().isPresent();
    }
  }

  private static String message(Path summary) {
    return TerminationSummary.read(summary)
        .map(TerminationSummary::message)
        .map(m -> ": " + m)
        .orElse("");
  }

  static String meaning(int code) {
    return ExitCode.of(code)
        .map(exit -> exit.name().toLowerCase().replace('_', ' '))
        .orElse(code > 128 ? "killed by signal " + (code - 128) : "unexpected exit");
  }

  private static List<String> tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? String.format("%d min %02d s", s / 60, s % 60) : s + " s";
  }

  /** Until the next poll, or sooner when a rank ends: a stage's end is seen at once. */
  private static void awaitExit(StageProcesses processes) {
    try {
      processes.awaitExit(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
