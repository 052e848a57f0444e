package dev.emergent.api.v1alpha1;

/** What a stage trains. Names follow InstructGPT's pipeline. */
public enum StageType {
  /** Next-token loss on plain text; starts from scratch or from a checkpoint. */
  Pretrain,
  /** Supervised fine-tuning: next-token loss on completion tokens only. */
  SFT,
  /** Scalar head on the trunk, pairwise Bradley–Terry loss on preference pairs. */
  RewardModel,
  /** Proximal policy optimisation of a policy against a frozen reward model. */
  PPO
}
