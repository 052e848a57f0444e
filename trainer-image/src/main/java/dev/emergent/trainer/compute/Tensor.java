package dev.emergent.trainer.compute;

/**
 * A dense row-major array of numbers in the memory of the {@link Compute} that made it: the model's
 * parameters, activations and gradients are tensors, so the layers never touch a backend's own
 * arrays.
 */
public interface Tensor {

  long[] shape();

  default long size(int dimension) {
    return shape()[dimension];
  }

  default long length() {
    return lengthOf(shape());
  }

  /** How many elements a tensor of {@code shape} holds. */
  static long lengthOf(long... shape) {
    long length = 1;
    for (long size : shape) {
      length *= size;
    }
    return length;
  }

  /** The same elements seen as {@code shape}, which has the same length; shares memory. */
  Tensor reshape(long... shape);

  /** Elements {@code offset..} of the flat order, seen as {@code shape}; shares memory. */
  Tensor slice(long offset, long... shape);
}
