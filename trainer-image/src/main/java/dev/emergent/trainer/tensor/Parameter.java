package dev.emergent.trainer.tensor;

import dev.emergent.trainer.compute.Tensor;

/**
 * One named tensor of the model: a view of the flat parameter buffer and the matching view of the
 * flat gradient buffer. The views exist once {@link Parameters.Builder#build} has run.
 */
public final class Parameter {
  /** How a parameter starts: the GPT-2 scheme of normal weights, zero biases, unit gains. */
  public enum Init {
    NORMAL,
    ZERO,
    ONE
  }

  private final String name;
  private final long[] shape;
  private final Init init;
  private final double std;
  private final boolean decay;
  private final Shard shard;
  private Tensor value;
  private Tensor grad;
  private long offset;

  Parameter(String name, long[] shape, Init init, double std, boolean decay, Shard shard) {
    this.name = name;
    this.shape = shape.clone();
    this.init = init;
    this.std = std;
    this.decay = decay;
    this.shard = shard;
  }

  void bind(Tensor value, Tensor grad, long offset) {
    this.value = value;
    this.grad = grad;
    this.offset = offset;
  }

  public String name() {
    return name;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long length() {
    long length = 1;
    for (long size : shape) {
      length *= size;
    }
    return length;
  }

  /** The part of the full tensor this rank holds; {@link Shard#WHOLE} when replicated. */
  public Shard shard() {
    return shard;
  }

  /** Shape of the full tensor, of which this rank may hold a shard. */
  public long[] fullShape() {
    return shard.fullShape(shape);
  }

  /** Element offset of this tensor in the flat buffers. */
  public long offset() {
    return offset;
  }

  Init init() {
    return init;
  }

  double std() {
    return std;
  }

  /** Whether AdamW's weight decay applies (matrices, not biases or gains). */
  public boolean decay() {
    return decay;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }
}
