package dev.emergent.trainer.checkpoint;

import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/** How a model's parameters lie in a checkpoint: names, shapes and offsets, and element type. */
final class ParameterLayout {
  private ParameterLayout() {}

  static List<Manifest.Tensor> tensors(Parameters parameters) {
    List<Manifest.Tensor> tensors = new ArrayList<>();
    for (Parameter p : parameters.list()) {
      tensors.add(
          new Manifest.Tensor(p.name(), Arrays.stream(p.shape()).boxed().toList(), p.offset()));
    }
    return tensors;
  }

  static String dataTypeName(DataType type) {
    return switch (type) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      default -> throw new IllegalArgumentException("no checkpoints of " + type);
    };
  }
}
