package dev.emergent.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.emergent.api.v1alpha1.LearningRateDecay;
import dev.emergent.api.v1alpha1.StageType;

/**
 * Everything one stage's trainer needs, with every default filled in. It is written as JSON to the
 * file that {@code EMERGENT_STAGE_CONFIG} names; checkpoint paths are relative to the checkpoint
 * root that the launcher mounts or chooses.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageConfig(
    String run,
    String stage,
    StageType type,
    int index,
    long seed,
    Model model,
    ResolvedMesh mesh,
    Data data,
    int steps,
    int batchSize,
    int microBatchSize,
    int gradientAccumulation,
    Optimizer optimizer,
    int evalEverySteps,
    Checkpoint checkpoint,
    Inputs inputs,
    Ppo ppo,
    RewardModel rewardModel) {

  /**
   * Model shape; {@code paddedVocabSize} rows of the embedding, {@code vocabSize} of them used.
   * {@code vocab} is {@code bytes}, or {@code bpe} with the {@code tokenizer} file's path.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Model(
      int layers,
      int dModel,
      int heads,
      int ffn,
      int contextLength,
      String vocab,
      int vocabSize,
      int paddedVocabSize,
      String tokenizer) {
    public static final String BPE = "bpe";
  }

  /** Data source: exactly one of builtin and path. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Data(String builtin, String path, int operandDigits, double heldOutFraction) {}

  /** AdamW with linear warmup and a decay to {@code minLearningRateRatio × learningRate}. */
  public record Optimizer(
      double learningRate,
      int warmupSteps,
      LearningRateDecay decay,
      double minLearningRateRatio,
      double weightDecay,
      double gradClipNorm,
      double beta1,
      double beta2,
      double epsilon) {}

  /** Where this stage writes {@code step-<n>/} folders and its {@code latest} link. */
  public record Checkpoint(String directory, int everySteps, int keep) {}

  /**
   * Checkpoints the stage starts from: {@code init} (Pretrain, SFT, RewardModel) or {@code policy}
   * and {@code reward} (PPO); null when a stage starts from scratch.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Inputs(String init, String policy, String reward) {
    public static final Inputs NONE = new Inputs(null, null, null);
  }

  /**
   * Reward-model settings: the weight of the reward-centering term and of the language-modelling
   * loss on the chosen completions (0: off).
   */
  public record RewardModel(double centering, double sftWeight) {}

  /** PPO hyperparameters; {@code klTarget} null means a fixed KL coefficient. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ppo(
      double klCoef,
      Double klTarget,
      double clipRange,
      double valueClipRange,
      double gamma,
      double lambda,
      int epochs,
      int rolloutSize,
      int maxNewTokens,
      double temperature,
      int topK) {}
}
