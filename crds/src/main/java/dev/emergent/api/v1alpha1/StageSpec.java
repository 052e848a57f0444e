package dev.emergent.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One stage of the chain. Common fields apply to every type; PPO fields only to PPO stages. The PPO
 * defaults follow InstructGPT (Ouyang et al. 2022) and TRL's PPOConfig.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageSpec {

  @Required
  @Size(min = 1, max = 40)
  @Pattern(Limits.DNS_LABEL)
  @JsonPropertyDescription(
      "Stage name, unique in the run; a DNS label of at most 40 characters, since it becomes"
          + " part of Job and Service names.")
  public String name;

  @Required
  @JsonPropertyDescription("Pretrain, SFT, RewardModel or PPO.")
  public StageType type;

  @Size(max = Limits.MAX_NAME)
  @JsonPropertyDescription(
      "Earlier stage whose final checkpoint this stage starts from (SFT, RewardModel): a"
          + " Pretrain or SFT stage.")
  public String from;

  @Size(min = 1, max = Limits.MAX_PATH)
  @Pattern(Limits.RELATIVE_PATH)
  @JsonPropertyDescription(
      "Checkpoint to start from instead of an earlier stage (Pretrain, SFT, RewardModel),"
          + " relative to the checkpoint volume root, e.g. other-run/sft/latest.")
  public String fromCheckpoint;

  @Size(max = Limits.MAX_NAME)
  @JsonPropertyDescription(
      "PPO: earlier SFT (or Pretrain) stage that gives the policy and the frozen reference.")
  public String policyFrom;

  @Size(min = 1, max = Limits.MAX_PATH)
  @Pattern(Limits.RELATIVE_PATH)
  @JsonPropertyDescription("PPO: checkpoint of the policy, instead of policyFrom.")
  public String policyFromCheckpoint;

  @Size(max = Limits.MAX_NAME)
  @JsonPropertyDescription(
      "PPO: earlier RewardModel stage that gives the frozen reward model and the initial value"
          + " model.")
  public String rewardFrom;

  @Size(min = 1, max = Limits.MAX_PATH)
  @Pattern(Limits.RELATIVE_PATH)
  @JsonPropertyDescription("PPO: checkpoint of the reward model, instead of rewardFrom.")
  public String rewardFromCheckpoint;

  @Required
  @JsonPropertyDescription("Training data (PPO: the prompts).")
  public DataSpec data;

  @Required
  @Min(1)
  @Max(Limits.MAX_STEPS)
  @JsonPropertyDescription("Optimizer steps (PPO: rollouts).")
  public Integer steps;

  @Min(1)
  @Max(Limits.MAX_BATCH)
  @JsonPropertyDescription(
      "Global batch: sequences (RewardModel: preference pairs) per optimizer step, over all"
          + " data-parallel ranks. Must be divisible by data × microBatchSize. Default: 32.")
  public Integer batchSize;

  @Min(1)
  @Max(Limits.MAX_BATCH)
  @JsonPropertyDescription(
      "Sequences per data-parallel rank per forward/backward pass; the rest of the batch is"
          + " gradient accumulation. Default: batchSize / data (no accumulation).")
  public Integer microBatchSize;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription(
      "Peak learning rate of AdamW. Default: Pretrain 3e-4, SFT 1e-4, RewardModel 5e-5, PPO"
          + " 1e-5.")
  public Double learningRate;

  @JsonPropertyDescription("Warmup and decay of the learning rate.")
  public ScheduleSpec schedule;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("AdamW weight decay, applied to matrices only. Default: 0.1.")
  public Double weightDecay;

  @Min(value = 0, inclusive = false)
  @Max(1000)
  @JsonPropertyDescription("Gradients are clipped to this global L2 norm. Default: 1.0.")
  public Double gradClipNorm;

  @Min(1)
  @Max(Limits.MAX_STEPS)
  @JsonPropertyDescription(
      "Steps between evaluations on held-out data; the final step is always evaluated."
          + " Default: max(1, steps / 10).")
  public Integer evalEverySteps;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription("PPO: coefficient β of the per-token KL penalty. Default: 0.02.")
  public Double klCoef;

  @Min(value = 0, inclusive = false)
  @Max(100)
  @JsonPropertyDescription(
      "PPO: target KL per sequence of the adaptive KL controller (Ziegler et al. 2019); klCoef"
          + " is then the starting value. Default: unset (fixed klCoef).")
  public Double klTarget;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("PPO: clip range ε of the policy ratio. Default: 0.2.")
  public Double clipRange;

  @Min(value = 0, inclusive = false)
  @Max(1000)
  @JsonPropertyDescription("PPO: clip range of the value prediction. Default: 0.2.")
  public Double valueClipRange;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("PPO: discount γ. Default: 1.0.")
  public Double gamma;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("PPO: GAE λ. Default: 0.95.")
  public Double lambda;

  @Min(1)
  @Max(64)
  @JsonPropertyDescription("PPO: optimisation epochs over each rollout batch. Default: 4.")
  public Integer ppoEpochs;

  @Min(1)
  @Max(Limits.MAX_BATCH)
  @JsonPropertyDescription(
      "PPO: prompts sampled per rollout; batchSize is then the minibatch of each update."
          + " Default: 64.")
  public Integer rolloutSize;

  @Min(1)
  @Max(Limits.MAX_CONTEXT)
  @JsonPropertyDescription("PPO: most tokens generated per response. Default: 16.")
  public Integer maxNewTokens;

  @Min(value = 0, inclusive = false)
  @Max(10)
  @JsonPropertyDescription("PPO: sampling temperature of rollouts. Default: 1.0.")
  public Double temperature;

  @Min(0)
  @Max(1000000)
  @JsonPropertyDescription("PPO: sample from the k most likely tokens; 0 means all. Default: 0.")
  public Integer topK;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "RewardModel: weight of the reward-centering term weight·(r_chosen + r_rejected)² added to"
          + " the pairwise loss, which pulls rewards toward a mean of 0 (Eisenstein et al. 2023"
          + " use 0.01). Default: 0 (off).")
  public Double rewardCentering;

  @Min(0)
  @Max(10)
  @JsonPropertyDescription(
      "RewardModel: weight of a language-modelling loss on the chosen completions, added to the"
          + " pairwise loss (SFT regularisation, Yang et al. 2024): the trunk keeps predicting"
          + " the answers it started from, and the reward generalises better to prompts it was"
          + " not trained on. Default: 0 (off).")
  public Double rewardSftWeight;

  @JsonPropertyDescription(
      "Mesh of this stage instead of spec.mesh. A checkpoint written on one mesh loads on"
          + " another.")
  public MeshSpec mesh;

  @JsonPropertyDescription("Pod resources of this stage instead of spec.resources.")
  public PodResources resources;
}
