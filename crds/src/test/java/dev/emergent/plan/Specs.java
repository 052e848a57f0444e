package dev.emergent.plan;

import dev.emergent.api.v1alpha1.TrainingRun;

/** A valid four-stage run that tests change one field at a time. */
final class Specs {
  static final String FOUR_STAGES =
      """
      apiVersion: emergent.dev/v1alpha1
      kind: TrainingRun
      metadata: {name: demo}
      spec:
        model: {layers: 2, dModel: 64, heads: 4, contextLength: 32}
        mesh:
          axes: [{name: data, size: 2}, {name: model, size: 2}]
        stages:
        - {name: pretrain, type: Pretrain, data: {builtin: arithmetic}, steps: 100}
        - {name: sft, type: SFT, from: pretrain, data: {builtin: arithmetic}, steps: 50}
        - {name: reward, type: RewardModel, from: sft, data: {builtin: arithmetic}, steps: 40}
        - name: ppo
          type: PPO
          policyFrom: sft
          rewardFrom: reward
          data: {builtin: arithmetic}
          steps: 20
          mesh:
            axes: [{name: data, size: 4}, {name: model, size: 1}]
      """;

  static TrainingRun fourStages() {
    return TrainingRunFiles.parse(FOUR_STAGES);
  }

  private Specs() {}
}
