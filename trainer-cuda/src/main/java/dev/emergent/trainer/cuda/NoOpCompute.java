package dev.emergent.trainer.cuda;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A backend that computes nothing: tensors that only have shapes, zero losses and norms. The device
 * check's dry run trains on it to load every class of the model's path from a staged class path, so
 * a missing jar shows before a device call is spent, not during it.
 */
final class NoOpCompute {
  private NoOpCompute() {}

  static Compute create() {
    return (Compute)
        Proxy.newProxyInstance(
            Compute.class.getClassLoader(), new Class<?>[] {Compute.class}, NoOpCompute::answer);
  }

  /** A tensor with a shape and no elements anywhere. */
  private record Shaped(long[] shape) implements Tensor {
    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public Tensor reshape(long... shape) {
      return new Shaped(shape);
    }

    @Override
    public Tensor slice(long offset, long... shape) {
      return new Shaped(shape);
    }
  }

  private static Object answer(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "dataType" -> DataType.FLOAT;
      case "zeros" -> new Shaped((long[]) args[0]);
      case "ensure" ->
          args[0] != null && Arrays.equals(((Tensor) args[0]).shape(), (long[]) args[1])
              ? args[0]
              : new Shaped((long[]) args[1]);
      case "ensureRowStatistic" -> new Shaped(new long[] {(long) args[1]});
      case "fromHost" -> new Shaped((long[]) args[1]);
      case "toFloats" -> new float[(int) ((Tensor) args[0]).length()];
      case "toDoubles" -> new double[(int) ((Tensor) args[0]).length()];
      case "argMaxOfRows" -> new long[(int) ((Tensor) args[0]).size(0)];
      case "sumOfSquares", "softmaxCrossEntropy" -> 0.0;
      default -> null;
    };
  }
}
