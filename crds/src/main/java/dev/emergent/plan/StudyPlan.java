package dev.emergent.plan;

import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.study.LossObservation;
import dev.emergent.study.ModelCompute;
import java.util.List;
import java.util.Optional;

/**
 * A scaling study resolved into its runs: the ladder in order (model sizes outer, token budgets
 * inner), then the predict runs, each a complete TrainingRun that plans. The seed is the runs'
 * seed, which also seeds the fit's bootstrap.
 */
public record StudyPlan(
    String study,
    String pretrainStage,
    long seed,
    int maxParallelRuns,
    double computeBudget,
    List<Run> runs) {

  /** Fitted to, or predicted from the fit. */
  public enum Role {
    Ladder,
    Predict
  }

  /** One child TrainingRun of the study; its Pretrain stage trains {@code steps} steps. */
  public record Run(
      String name, Role role, ModelCompute model, int steps, long tokens, TrainingRun run) {
    public long parameters() {
      return model.nonEmbeddingParameters();
    }

    public double flops() {
      return model.flops(tokens);
    }

    public LossObservation observed(double loss) {
      return new LossObservation(parameters(), tokens, loss);
    }
  }

  public StudyPlan {
    runs = List.copyOf(runs);
  }

  public List<Run> ladder() {
    return runs.stream().filter(r -> r.role() == Role.Ladder).toList();
  }

  public List<Run> predictions() {
    return runs.stream().filter(r -> r.role() == Role.Predict).toList();
  }

  public Optional<Run> run(String name) {
    return runs.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
