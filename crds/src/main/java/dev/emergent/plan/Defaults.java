package dev.emergent.plan;

import dev.emergent.api.v1alpha1.StageType;

/**
 * Every default of the API in one place; the field descriptions of the types say the same. The PPO
 * values follow InstructGPT (β 0.02) and TRL's PPOConfig (clip 0.2, γ 1, λ 0.95, 4 epochs).
 */
public final class Defaults {
  public static final long SEED = 1234;
  public static final int FFN_MULTIPLIER = 4;
  public static final int DEVICES_PER_POD = 1;
  public static final String CHECKPOINT_SIZE = "10Gi";
  public static final int CHECKPOINT_EVERY_STEPS = 200;
  public static final int CHECKPOINTS_KEPT = 2;
  public static final int MAX_RESTARTS = 3;
  public static final int STALL_TIMEOUT_SECONDS = 900;
  public static final int OPERAND_DIGITS = 2;
  public static final double HELD_OUT_FRACTION = 0.1;
  public static final int BATCH_SIZE = 32;
  public static final int MAX_WARMUP_STEPS = 100;
  public static final double MIN_LEARNING_RATE_RATIO = 0.1;
  public static final double WEIGHT_DECAY = 0.1;
  public static final double GRAD_CLIP_NORM = 1.0;
  public static final double ADAM_BETA1 = 0.9;
  public static final double ADAM_BETA2 = 0.95;
  public static final double ADAM_EPSILON = 1e-8;
  public static final double KL_COEF = 0.02;
  public static final double CLIP_RANGE = 0.2;
  public static final double VALUE_CLIP_RANGE = 0.2;
  public static final double GAMMA = 1.0;
  public static final double LAMBDA = 0.95;
  public static final int PPO_EPOCHS = 4;
  public static final int ROLLOUT_SIZE = 64;
  public static final int MAX_NEW_TOKENS = 16;
  public static final double TEMPERATURE = 1.0;
  public static final int TOP_K = 0;
  public static final double REWARD_CENTERING = 0;
  public static final double REWARD_SFT_WEIGHT = 0;

  /** Vocabulary rows are padded to a multiple of this (and of every model axis of the run). */
  public static final int VOCAB_PADDING = 64;

  public static double learningRate(StageType type) {
    return switch (type) {
      case Pretrain -> 3e-4;
      case SFT -> 1e-4;
      case RewardModel -> 5e-5;
      case PPO -> 1e-5;
    };
  }

  private Defaults() {}
}
