package dev.emergent.local;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingFit;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyRunStatus;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.study.RunOutcome;
import dev.emergent.study.ScalingLaw;
import dev.emergent.study.StudyStatuses;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a ScalingStudy on this machine: the ladder's runs one after another (each through {@link
 * LocalRunner}, resumed where an earlier invocation left it), the fit, then the predict runs;
 * writes {@code study.json} (the study's status, as the operator would) and the report.
 */
public final class StudyRunner {
  static final String STATUS_FILE = "study.json";

  /** What to run and where. */
  public record Options(Path file, Path workdir, boolean terminal) {}

  private final Options options;
  private final PrintStream out;
  private final PrintStream err;

  public StudyRunner(Options options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  /** Runs the study; returns the exit code (a failed run's, or 0). */
  public int run(StudyPlan plan) throws IOException {
    Instant started = Instant.now();
    Files.createDirectories(options.workdir());
    Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
    out.printf(
        "ScalingStudy %s: %d ladder runs, then %d predicted; workdir %s%n",
        plan.study(), plan.ladder().size(), plan.predictions().size(), options.workdir());
    ScalingStudyStatus status = null;
    // The runs share the ranks' processes, warm from run to run like a run's stages.
    try (RankWorkers workers = new RankWorkers(plan.study(), ClassArchive.forThisInstallation())) {
      for (StudyPlan.Run run : plan.runs()) {
        if (run.role() == StudyPlan.Role.Predict && status.fit == null) {
          break;
        }
        int index = plan.runs().indexOf(run) + 1;
        out.printf("%nRun %d/%d  %s%n", index, plan.runs().size(), describe(run));
        LocalRunner.Finished finished =
            new LocalRunner(
                    new LocalRunner.Options(
                        options.file(),
                        options.workdir().resolve("runs").resolve(run.name()),
                        true,
                        null,
                        options.terminal(),
                        false),
                    out,
                    err,
                    workers)
                .execute(run.run());
        outcomes.put(run.name(), outcome(finished));
        status = StudyStatuses.of(plan, outcomes, previousFit(status));
        write(status);
        if (finished.exitCode() != 0) {
          err.println("emergent: run " + run.name() + " of the study failed; rerun to resume it");
          return finished.exitCode();
        }
        if (run == plan.ladder().get(plan.ladder().size() - 1)) {
          printFit(status.fit, plan);
        }
      }
    }
    Path report = new StudyReportWriter(options.workdir().resolve("report"), plan, status).write();
    out.println();
    out.println(
        "Done in "
            + LocalRunner.format(Duration.between(started, Instant.now()))
            + ". Report: "
            + report.toAbsolutePath());
    for (StudyRunStatus result : status.results) {
      if ("Predict".equals(result.role)) {
        out.printf(
            "predicted %.4f measured %.4f error %+.2f%%  (%s: %d layers × %d, %s tokens)%n",
            result.predictedLoss,
            result.evalLoss,
            StudyStatuses.errorPercent(result.predictedLoss, result.evalLoss),
            result.name,
            result.layers,
            result.dModel,
            Numbers.si(result.tokens));
      }
    }
    return 0;
  }

  private static Optional<ScalingFit> previousFit(ScalingStudyStatus status) {
    return status == null ? Optional.empty() : Optional.ofNullable(status.fit);
  }

  private static RunOutcome outcome(LocalRunner.Finished finished) {
    Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
    finished.stages().forEach(s -> metrics.put(s.name(), s.metrics()));
    return new RunOutcome(finished.exitCode() == 0 ? RunPhase.Succeeded : RunPhase.Failed, metrics);
  }

  private void write(ScalingStudyStatus status) throws IOException {
    TrainingRunFiles.JSON
        .writerWithDefaultPrettyPrinter()
        .writeValue(options.workdir().resolve(STATUS_FILE).toFile(), status);
  }

  private void printFit(ScalingFit fit, StudyPlan plan) {
    out.printf(
        "%nFit to %d runs: L(N, D) = E + A/N^alpha + B/D^beta (90%% bootstrap intervals)%n",
        fit.runs);
    out.printf(
        "  E %.3f [%.3f, %.3f]   alpha %.3f [%.3f, %.3f]   beta %.3f [%.3f, %.3f]%n",
        fit.e.value,
        fit.e.low,
        fit.e.high,
        fit.alpha.value,
        fit.alpha.low,
        fit.alpha.high,
        fit.beta.value,
        fit.beta.low,
        fit.beta.high);
    out.printf(
        "  A %s   B %s   rms log error %.4f%n",
        Numbers.si(fit.a.value), Numbers.si(fit.b.value), fit.rmsLogError);
    out.printf(
        "  compute-optimal for %s FLOPs: N %s, D %s tokens, loss %.3f%n",
        Numbers.si(fit.computeBudget),
        Numbers.si(fit.optimalParameters),
        Numbers.si(fit.optimalTokens),
        fit.optimalLoss);
    ScalingLaw law = StudyStatuses.law(fit);
    for (StudyPlan.Run run : plan.predictions()) {
      out.printf(
          "  %s predicted loss %.4f%n", run.name(), law.loss(run.parameters(), run.tokens()));
    }
  }

  private static String describe(StudyPlan.Run run) {
    return String.format(
        "%s  %d layers × %d, N %s, D %s tokens, C %s FLOPs%s",
        run.name(),
        run.model().layers(),
        run.model().dModel(),
        Numbers.si(run.parameters()),
        Numbers.si(run.tokens()),
        Numbers.si(run.flops()),
        run.role() == StudyPlan.Role.Predict ? "  (predicted)" : "");
  }
}
