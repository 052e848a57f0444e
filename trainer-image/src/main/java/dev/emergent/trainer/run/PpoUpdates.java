package dev.emergent.trainer.run;

import static dev.emergent.trainer.tensor.GradientsReady.NONE;

import dev.emergent.plan.StageConfig;
import dev.emergent.trainer.mesh.DataParallel;
import dev.emergent.trainer.model.Gpt;
import java.util.List;

/**
 * PPO's two losses on a minibatch of a rollout, each leaving its gradients in its model; the last
 * chunk's backward pass starts their all-reduce over the data axis as it goes.
 */
final class PpoUpdates {
  private final StageConfig.Ppo ppo;
  private final Gpt policy;
  private final Gpt value;
  private final PpoRollouts rollouts;
  private final DataParallel dataParallel;

  PpoUpdates(
      StageConfig config, Gpt policy, Gpt value, PpoRollouts rollouts, DataParallel dataParallel) {
    this.ppo = config.ppo();
    this.dataParallel = dataParallel;
    this.policy = policy;
    this.value = value;
    this.rollouts = rollouts;
  }

  /** A policy update's loss, its clipped actions, and the token positions it computed. */
  record Update(double loss, long clipped, long tokens) {}

  /**
   * Clipped surrogate −min(ρA, clip(ρ, 1±ε)A) averaged over the minibatch's response tokens; its
   * gradient with respect to log π reaches the logits through the cross-entropy head as a weight.
   */
  Update clippedPolicyLoss(List<PpoSample> minibatch, long actions) {
    policy.parameters().zeroGrads();
    double loss = 0;
    long clipped = 0;
    long tokens = 0;
    List<PpoRollouts.Chunk> chunks = rollouts.chunks(minibatch);
    for (int c = 0; c < chunks.size(); c++) {
      PpoRollouts.Chunk chunk = chunks.get(c);
      float[] logits = policy.compute().toFloats(chunk.logits(policy));
      tokens += chunk.ids.length;
      int[] targets = new int[chunk.ids.length];
      double[] weights = new double[chunk.ids.length];
      for (int r = 0; r < chunk.size(); r++) {
        PpoSample s = chunk.sample(r);
        System.arraycopy(s.targets, 0, targets, chunk.at(r, 0), chunk.time);
        double[] logp = rollouts.logProbs(logits, chunk, r);
        for (int a = 0; a < s.actions; a++) {
          double ratio = Math.exp(logp[a] - s.oldLogProbs[a]);
          double adv = s.advantages[a];
          double clippedRatio = Math.max(1 - ppo.clipRange(), Math.min(1 + ppo.clipRange(), ratio));
          double unclippedLoss = -adv * ratio;
          double clippedLoss = -adv * clippedRatio;
          loss += Math.max(unclippedLoss, clippedLoss) / actions;
          if (clippedLoss > unclippedLoss) {
            clipped++;
          } else {
            // dL/dlog π = −A·ρ/n, and the head's loss has dL/dlog π = −weight, so weight = A·ρ/n.
            weights[chunk.at(r, s.firstAction + a)] = adv * ratio / actions;
          }
        }
      }
      policy.loss(targets, weights, 1);
      policy.backward(c == chunks.size() - 1 ? dataParallel.overlap(policy.parameters()) : NONE);
    }
    return new Update(loss, clipped, tokens);
  }

  /** Clipped value loss 0.5·max((V − R)², (clip(V, V_old ± ε) − R)²) over response tokens. */
  double clippedValueLoss(List<PpoSample> minibatch, long actions) {
    value.parameters().zeroGrads();
    double loss = 0;
    List<PpoRollouts.Chunk> chunks = rollouts.chunks(minibatch);
    for (int c = 0; c < chunks.size(); c++) {
      PpoRollouts.Chunk chunk = chunks.get(c);
      double[] predicted = chunk.scores(value);
      double[] grad = new double[predicted.length]; // [N, 1]
      for (int r = 0; r < chunk.size(); r++) {
        PpoSample s = chunk.sample(r);
        for (int a = 0; a < s.actions; a++) {
          int index = chunk.at(r, s.firstAction + a);
          double v = predicted[index];
          double old = s.values[a];
          double clippedV =
              old + Math.max(-ppo.valueClipRange(), Math.min(ppo.valueClipRange(), v - old));
          double unclippedLoss = (v - s.returns[a]) * (v - s.returns[a]);
          double clippedLoss = (clippedV - s.returns[a]) * (clippedV - s.returns[a]);
          loss += 0.5 * Math.max(unclippedLoss, clippedLoss) / actions;
          boolean useClipped = clippedLoss > unclippedLoss;
          boolean insideClip = Math.abs(v - old) <= ppo.valueClipRange();
          double g = useClipped ? (insideClip ? (clippedV - s.returns[a]) : 0) : (v - s.returns[a]);
          grad[index] = g / actions;
        }
      }
      value.backwardHidden(
          value.scalarHead().backward(value.compute().fromHost(grad, grad.length, 1)),
          c == chunks.size() - 1 ? dataParallel.overlap(value.parameters()) : NONE);
    }
    return loss;
  }
}
