package dev.emergent.trainer.model;

import dev.emergent.trainer.tensor.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Weighted softmax cross-entropy over the vocabulary: Σ w·(−log p[target]) / normalizer. Weights
 * select the positions that count (all of them for pretraining, completions for SFT); the
 * normalizer is the weight of the whole batch, so micro-batches add up to the batch mean.
 */
public final class LanguageModelLoss {
  private INDArray probs; // softmax(logits) [N, V], kept for backward
  private INDArray targets; // one-hot [N, V]
  private INDArray scale; // w / normalizer [N, 1]
  private INDArray logitsGrad; // [N, V]
  private long correct;

  /** Loss of logits [N, V] against target ids, and the count of weighted argmax hits. */
  public double forward(INDArray logits, int[] targetIds, double[] weights, double normalizer) {
    long n = logits.size(0);
    long v = logits.size(1);
    probs = Buffers.ensure(probs, logits.dataType(), n, v);
    targets = OneHot.fill(Buffers.ensure(targets, logits.dataType(), n, v), targetIds);
    double[] scaled = new double[(int) n];
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] / normalizer;
    }
    scale = Nd4j.create(scaled, new long[] {n, 1}, logits.dataType());
    probs.assign(logits).subiColumnVector(logits.max(1).reshape(n, 1));
    INDArray targetLogit = probs.mul(targets).sum(1).reshape(n, 1);
    Transforms.exp(probs, false);
    INDArray sumExp = probs.sum(1).reshape(n, 1);
    INDArray nll = Transforms.log(sumExp, true).subi(targetLogit);
    double loss = nll.muli(scale).sumNumber().doubleValue();
    probs.diviColumnVector(sumExp);
    long[] predicted = logits.argMax(1).toLongVector();
    correct = 0;
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0 && predicted[i] == targetIds[i]) {
        correct++;
      }
    }
    return loss;
  }

  /** Weighted positions whose most likely token was the target. */
  public long correct() {
    return correct;
  }

  /** dlogits [N, V] = (softmax − onehot)·w/normalizer. */
  public INDArray backward() {
    logitsGrad = Buffers.ensure(logitsGrad, probs.dataType(), probs.shape());
    return logitsGrad.assign(probs).subi(targets).muliColumnVector(scale);
  }
}
