package dev.emergent.api.v1alpha1;

/**
 * CEL expressions of the CRD's {@code x-kubernetes-validations}. They are constants so that tests
 * can evaluate exactly what the API server evaluates. Every rule has a twin in {@code
 * dev.emergent.plan.SpecValidator}, because the local runner has no API server.
 */
final class CelRules {

  /** Product of the mesh axis sizes; negative when one size is -1 (then: minus the others). */
  static final String AXES_PRODUCT =
      "(size(self.axes) > 0 ? self.axes[0].size : 1)"
          + " * (size(self.axes) > 1 ? self.axes[1].size : 1)"
          + " * (size(self.axes) > 2 ? self.axes[2].size : 1)"
          + " * (size(self.axes) > 3 ? self.axes[3].size : 1)"
          + " * (size(self.axes) > 4 ? self.axes[4].size : 1)"
          + " * (size(self.axes) > 5 ? self.axes[5].size : 1)";

  static final String DEVICES_PER_POD = "(has(self.devicesPerPod) ? self.devicesPerPod : 1)";

  static final String HAS_INFERRED_AXIS = "self.axes.exists(a, a.size == -1)";

  static final String AXIS_NAMES_UNIQUE =
      "self.axes.all(a, self.axes.exists_one(b, b.name == a.name))";

  static final String AT_MOST_ONE_INFERRED_AXIS = "self.axes.filter(a, a.size == -1).size() <= 1";

  static final String INFERRED_AXIS_NEEDS_PODS = "!" + HAS_INFERRED_AXIS + " || has(self.pods)";

  static final String DEVICES_PER_POD_DIVIDES_DEVICES =
      HAS_INFERRED_AXIS + " || (" + AXES_PRODUCT + ") % " + DEVICES_PER_POD + " == 0";

  static final String PODS_MATCH_AXES =
      HAS_INFERRED_AXIS
          + " || !has(self.pods) || ("
          + AXES_PRODUCT
          + ") == self.pods * "
          + DEVICES_PER_POD;

  static final String INFERRED_AXIS_DIVIDES =
      "!"
          + HAS_INFERRED_AXIS
          + " || !has(self.pods) || (self.pods * "
          + DEVICES_PER_POD
          + ") % (-("
          + AXES_PRODUCT
          + ")) == 0";

  static final String AXIS_SIZE_VALID = "self.size == -1 || self.size >= 1";

  static final String D_MODEL_DIVISIBLE_BY_HEADS = "self.dModel % self.heads == 0";

  static final String ONE_FFN_FIELD = "!(has(self.ffn) && has(self.ffnMultiplier))";

  static final String HEADS_DIVIDE_MODEL_AXIS =
      "self.mesh.axes.all(a, a.name != 'model' || a.size == -1 || self.model.heads % a.size =="
          + " 0) && self.stages.all(s, !has(s.mesh) || s.mesh.axes.all(a, a.name != 'model' ||"
          + " a.size == -1 || self.model.heads % a.size == 0))";

  private static final String FFN_WIDTH =
      "(has(self.model.ffn) ? self.model.ffn : (has(self.model.ffnMultiplier) ?"
          + " self.model.ffnMultiplier : 4) * self.model.dModel)";

  static final String FFN_DIVIDES_MODEL_AXIS =
      "self.mesh.axes.all(a, a.name != 'model' || a.size == -1 || "
          + FFN_WIDTH
          + " % a.size == 0) && self.stages.all(s, !has(s.mesh) || s.mesh.axes.all(a, a.name !="
          + " 'model' || a.size == -1 || "
          + FFN_WIDTH
          + " % a.size == 0))";

  static final String STAGE_NAMES_UNIQUE =
      "self.stages.all(s, self.stages.exists_one(t, t.name == s.name))";

  static final String FROM_NAMES_EARLIER_STAGE =
      "self.stages.all(s, !has(s.from) || self.stages.exists(p, p.name == s.from && p.type in"
          + " ['Pretrain', 'SFT'] && self.stages.map(q, q.name).indexOf(p.name) <"
          + " self.stages.map(q, q.name).indexOf(s.name)))";

  static final String POLICY_FROM_NAMES_EARLIER_STAGE =
      "self.stages.all(s, !has(s.policyFrom) || self.stages.exists(p, p.name == s.policyFrom &&"
          + " p.type in ['SFT', 'Pretrain'] && self.stages.map(q, q.name).indexOf(p.name) <"
          + " self.stages.map(q, q.name).indexOf(s.name)))";

  static final String REWARD_FROM_NAMES_EARLIER_STAGE =
      "self.stages.all(s, !has(s.rewardFrom) || self.stages.exists(p, p.name == s.rewardFrom &&"
          + " p.type == 'RewardModel' && self.stages.map(q, q.name).indexOf(p.name) <"
          + " self.stages.map(q, q.name).indexOf(s.name)))";

  static final String POLICY_AND_REWARD_ONLY_ON_PPO =
      "self.type == 'PPO' || !(has(self.policyFrom) || has(self.policyFromCheckpoint) ||"
          + " has(self.rewardFrom) || has(self.rewardFromCheckpoint))";

  static final String PPO_HAS_NO_FROM =
      "self.type != 'PPO' || !(has(self.from) || has(self.fromCheckpoint))";

  static final String PPO_HAS_ONE_POLICY =
      "self.type != 'PPO' || has(self.policyFrom) != has(self.policyFromCheckpoint)";

  static final String PPO_HAS_ONE_REWARD =
      "self.type != 'PPO' || has(self.rewardFrom) != has(self.rewardFromCheckpoint)";

  static final String PRETRAIN_HAS_NO_FROM = "self.type != 'Pretrain' || !has(self.from)";

  static final String FINE_TUNING_HAS_ONE_INPUT =
      "!(self.type in ['SFT', 'RewardModel']) || has(self.from) != has(self.fromCheckpoint)";

  static final String PPO_FIELDS_ONLY_ON_PPO =
      "self.type == 'PPO' || !(has(self.klCoef) || has(self.klTarget) || has(self.clipRange) ||"
          + " has(self.valueClipRange) || has(self.gamma) || has(self.lambda) ||"
          + " has(self.ppoEpochs) || has(self.rolloutSize) || has(self.maxNewTokens) ||"
          + " has(self.temperature) || has(self.topK))";

  static final String CENTERING_ONLY_ON_REWARD_MODEL =
      "self.type == 'RewardModel' || !has(self.rewardCentering)";

  static final String ONE_DATA_SOURCE = "has(self.builtin) != has(self.path)";

  static final String OPERAND_DIGITS_ONLY_FOR_BUILTIN =
      "!has(self.operandDigits) || has(self.builtin)";

  static final String CLAIM_OR_NEW_VOLUME =
      "!(has(self.claimName) && (has(self.size) || has(self.storageClassName)))";

  private CelRules() {}
}
