package dev.emergent.study;

import dev.emergent.api.v1alpha1.Estimate;
import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.ScalingFit;
import dev.emergent.api.v1alpha1.ScalingStudyStatus;
import dev.emergent.api.v1alpha1.StudyPhase;
import dev.emergent.api.v1alpha1.StudyRunStatus;
import dev.emergent.plan.StudyPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A study's status from its runs' outcomes: every run with its compute and results, the law once
 * every ladder run has a final loss, and each predict run's predicted and measured loss. Shared by
 * the operator and the local runner, so that both report a study the same way.
 */
public final class StudyStatuses {
  /** The metrics of the other stages a study reports, for emergence. */
  public static final List<String> TASK_METRICS = List.of("exactMatch", "answerLogLikelihood");

  public static final String EVAL_LOSS = "evalLoss";

  private StudyStatuses() {}

  /**
   * @param fitted the fit of an earlier call, reused when it was made from the same ladder (a fit
   *     with its bootstrap takes seconds)
   */
  public static ScalingStudyStatus of(
      StudyPlan plan, Map<String, RunOutcome> outcomes, Optional<ScalingFit> fitted) {
    ScalingStudyStatus status = new ScalingStudyStatus();
    status.runs = plan.runs().size();
    List<LossObservation> measured = new ArrayList<>();
    for (StudyPlan.Run run : plan.ladder()) {
      StudyRunStatus result =
          result(plan, run, outcomes.getOrDefault(run.name(), RunOutcome.pending()));
      status.results.add(result);
      if (result.evalLoss != null) {
        measured.add(run.observed(result.evalLoss));
      }
    }
    if (measured.size() == plan.ladder().size()) {
      status.fit =
          fitted
              .filter(f -> f.runs != null && f.runs == measured.size())
              .orElseGet(() -> fit(measured, plan.computeBudget(), plan.seed()));
    }
    for (StudyPlan.Run run : plan.predictions()) {
      StudyRunStatus result =
          result(plan, run, outcomes.getOrDefault(run.name(), RunOutcome.pending()));
      if (status.fit != null) {
        result.predictedLoss = law(status.fit).loss(run.parameters(), run.tokens());
      }
      status.results.add(result);
    }
    status.done = (int) status.results.stream().filter(r -> r.phase == RunPhase.Succeeded).count();
    status.results.stream()
        .filter(r -> "Predict".equals(r.role))
        .findFirst()
        .ifPresent(
            first -> {
              status.predicted = first.predictedLoss;
              status.measured = first.evalLoss;
            });
    status.phase = phase(status);
    return status;
  }

  /**
   * A finished run's outcome as a study's status recorded it (its loss and task metrics), for a run
   * that no longer exists.
   */
  public static RunOutcome recorded(StudyPlan plan, StudyRunStatus result) {
    Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
    if (result.evalLoss != null) {
      metrics.put(plan.pretrainStage(), Map.of(EVAL_LOSS, result.evalLoss));
    }
    Objects.requireNonNullElse(result.metrics, Map.<String, Double>of())
        .forEach(
            (key, value) -> {
              int dot = key.lastIndexOf('.');
              metrics
                  .computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>())
                  .put(key.substring(dot + 1), value);
            });
    return new RunOutcome(result.phase, metrics);
  }

  /** The key of a task stage's metric in {@link StudyRunStatus#metrics}: stage.metric. */
  private static String taskKey(String stage, String metric) {
    return stage + "." + metric;
  }

  /** The law of a fit in the status. */
  public static ScalingLaw law(ScalingFit fit) {
    return new ScalingLaw(fit.e.value, fit.a.value, fit.alpha.value, fit.b.value, fit.beta.value);
  }

  /** Predicted minus measured, relative to measured, in percent. */
  public static double errorPercent(double predicted, double measured) {
    return 100 * (predicted - measured) / measured;
  }

  private static StudyPhase phase(ScalingStudyStatus status) {
    if (status.results.stream().anyMatch(r -> r.phase == RunPhase.Failed)) {
      return StudyPhase.Failed;
    }
    if (status.done.equals(status.runs)) {
      return StudyPhase.Succeeded;
    }
    return status.fit == null ? StudyPhase.Running : StudyPhase.Predicting;
  }

  private static StudyRunStatus result(StudyPlan plan, StudyPlan.Run run, RunOutcome outcome) {
    StudyRunStatus result = new StudyRunStatus();
    result.name = run.name();
    result.role = run.role().name();
    result.layers = run.model().layers();
    result.dModel = run.model().dModel();
    result.parameters = run.parameters();
    result.tokens = run.tokens();
    result.flops = run.flops();
    result.phase = outcome.phase();
    if (outcome.phase() == RunPhase.Succeeded) {
      result.evalLoss =
          outcome.stageMetrics().getOrDefault(plan.pretrainStage(), Map.of()).get(EVAL_LOSS);
      Map<String, Double> tasks = new TreeMap<>();
      outcome
          .stageMetrics()
          .forEach(
              (stage, metrics) -> {
                if (!stage.equals(plan.pretrainStage())) {
                  TASK_METRICS.stream()
                      .filter(metrics::containsKey)
                      .forEach(m -> tasks.put(taskKey(stage, m), metrics.get(m)));
                }
              });
      result.metrics = tasks.isEmpty() ? null : tasks;
    }
    return result;
  }

  private static ScalingFit fit(List<LossObservation> measured, double budget, long seed) {
    ScalingLawFit.Result result = ScalingLawFit.fit(measured, seed);
    double[] values = result.law().values();
    ScalingFit fit = new ScalingFit();
    fit.e = new Estimate(values[0], result.low()[0], result.high()[0]);
    fit.a = new Estimate(values[1], result.low()[1], result.high()[1]);
    fit.alpha = new Estimate(values[2], result.low()[2], result.high()[2]);
    fit.b = new Estimate(values[3], result.low()[3], result.high()[3]);
    fit.beta = new Estimate(values[4], result.low()[4], result.high()[4]);
    fit.runs = result.runs();
    fit.rmsLogError = result.rmsLogError();
    ScalingLaw.Allocation optimal = result.law().optimal(budget);
    fit.computeBudget = budget;
    fit.optimalParameters = optimal.parameters();
    fit.optimalTokens = optimal.tokens();
    fit.optimalLoss = optimal.loss();
    return fit;
  }
}
