package dev.emergent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.emergent.plan.InvalidSpecException;
import dev.emergent.plan.RankPlacement;
import dev.emergent.plan.RunPlan;
import dev.emergent.plan.RunSettings;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.StagePlan;
import dev.emergent.plan.StudyPlan;
import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code emergent plan FILE [--json]}: validates a TrainingRun or ScalingStudy and prints its plan.
 */
final class PlanCommand {
  private static final int MAX_RANKS_SHOWN = 16;
  private static final ObjectWriter PRETTY = TrainingRunFiles.JSON.writerWithDefaultPrettyPrinter();

  private final PrintStream out;
  private final PrintStream err;

  PlanCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(String[] args) {
    List<String> options = List.of(args).stream().filter(a -> a.startsWith("--")).toList();
    List<String> files = List.of(args).stream().filter(a -> !a.startsWith("--")).toList();
    if (files.size() != 1 || !List.of("--json").containsAll(options)) {
      err.println("Usage: emergent plan FILE [--json]");
      return Main.BAD_INPUT;
    }
    Path file = Path.of(files.get(0));
    if (isStudy(file)) {
      return printStudy(file, options.contains("--json"));
    }
    Optional<RunFiles.Planned> planned = RunFiles.load(file, err);
    if (planned.isEmpty()) {
      return Main.BAD_INPUT;
    }
    try {
      if (options.contains("--json")) {
        out.println(PRETTY.writeValueAsString(planned.get().plan()));
      } else {
        print(planned.get().plan());
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan could not be written as JSON", e);
    }
    return Main.OK;
  }

  /** Whether the file declares kind ScalingStudy; anything unreadable is left to the loader. */
  private static boolean isStudy(Path file) {
    try {
      return TrainingRunFiles.kind(file).equals("ScalingStudy");
    } catch (IOException | InvalidSpecException e) {
      return false;
    }
  }

  private int printStudy(Path file, boolean json) {
    Optional<StudyPlan> plan = RunFiles.loadStudy(file, err);
    if (plan.isEmpty()) {
      return Main.BAD_INPUT;
    }
    StudyPlan study = plan.get();
    try {
      if (json) {
        out.println(PRETTY.writeValueAsString(study));
        return Main.OK;
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a plan could not be written as JSON", e);
    }
    out.printf(
        "ScalingStudy %s: %d ladder runs fitted to the final evalLoss of stage %s, %d predicted;"
            + " at most %d unfinished at once, seed %d%n",
        study.study(),
        study.ladder().size(),
        study.pretrainStage(),
        study.predictions().size(),
        study.maxParallelRuns(),
        study.seed());
    out.printf("Compute-optimal allocation reported for %.3g FLOPs%n%n", study.computeBudget());
    out.printf(
        "%-24s %-7s %6s %6s %12s %12s %10s %12s%n",
        "run", "role", "layers", "dModel", "N", "D (tokens)", "steps", "C (FLOPs)");
    for (StudyPlan.Run run : study.runs()) {
      out.printf(
          "%-24s %-7s %6d %6d %12d %12d %10d %12.3g%n",
          run.name(),
          run.role(),
          run.model().layers(),
          run.model().dModel(),
          run.parameters(),
          run.tokens(),
          run.steps(),
          run.flops());
    }
    return Main.OK;
  }

  private void print(RunPlan plan) throws JsonProcessingException {
    RunSettings settings = plan.settings();
    out.printf(
        "TrainingRun %s: %d stage%s, seed %d, checkpoints on %s%n",
        plan.run(),
        plan.stages().size(),
        plan.stages().size() == 1 ? "" : "s",
        settings.seed(),
        settings.claimName() != null
            ? "the existing claim " + settings.claimName()
            : "a new "
                + settings.volumeSize()
                + " claim"
                + (settings.storageClassName() != null
                    ? " of class " + settings.storageClassName()
                    : ""));
    out.printf(
        "Failures: up to %d restarts per stage, stalled after %d s without progress%s%n",
        settings.maxRestarts(),
        settings.stallTimeoutSeconds(),
        settings.queueName() != null ? "; queued in Kueue LocalQueue " + settings.queueName() : "");
    for (StagePlan stage : plan.stages()) {
      out.println();
      printStage(plan, stage);
    }
  }

  private void printStage(RunPlan plan, StagePlan stage) throws JsonProcessingException {
    StageConfig config = stage.config();
    out.printf(
        "Stage %d/%d  %s  (%s, %d steps)%n",
        stage.index() + 1, plan.stages().size(), stage.name(), stage.type(), config.steps());
    out.printf("  mesh      %s, world size %d%n", stage.mesh(), stage.worldSize());
    out.printf("  inputs    %s%n", inputs(config.inputs()));
    out.printf(
        "  batch     %d sequences per step = %d data ranks × %d per micro-batch × %d accumulation%n",
        config.batchSize(),
        stage.mesh().size("data"),
        config.microBatchSize(),
        config.gradientAccumulation());
    out.printf("  output    %s/step-<n>, latest%n", config.checkpoint().directory());
    out.println("  ranks");
    for (RankPlacement rank :
        stage.ranks().subList(0, Math.min(MAX_RANKS_SHOWN, stage.ranks().size()))) {
      out.printf(
          "    rank %-4d pod %-4d slot %-3d %s%n",
          rank.rank(), rank.pod(), rank.localRank(), coordinates(stage, rank.coordinates()));
    }
    if (stage.ranks().size() > MAX_RANKS_SHOWN) {
      out.printf("    … %d more (see --json)%n", stage.ranks().size() - MAX_RANKS_SHOWN);
    }
    out.println("  config");
    PRETTY.writeValueAsString(config).lines().forEach(line -> out.println("    " + line));
  }

  private static String coordinates(StagePlan stage, Map<String, Integer> coordinates) {
    return stage.mesh().axes().stream()
        .map(a -> a.name() + "=" + coordinates.get(a.name()))
        .collect(Collectors.joining(" "));
  }

  private static String inputs(StageConfig.Inputs inputs) {
    if (inputs.policy() != null) {
      return "policy " + inputs.policy() + ", reward model " + inputs.reward();
    }
    return inputs.init() != null ? inputs.init() : "none (starts from scratch)";
  }
}
