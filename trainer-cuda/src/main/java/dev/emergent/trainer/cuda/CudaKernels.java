package dev.emergent.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels of {@code src/main/cuda/kernels.cu}, compiled by nvcc at build time into a fat binary
 * (sm_90 code and compute_80 PTX, which the driver compiles for any newer GPU) and launched by name
 * with their arguments checked against {@link #KERNELS}.
 */
final class CudaKernels {
  static final String FAT_BINARY = "kernels.fatbin";
  static final int THREADS = 256;
  private static final int MAX_BLOCKS = 65_535;

  /** The kind of a kernel argument, which fixes how it is passed. */
  enum Argument {
    POINTER,
    LONG,
    INT,
    FLOAT
  }

  /** Every kernel this class launches, with its parameter list, in kernels.cu's order. */
  static final Map<String, List<Argument>> KERNELS =
      Map.of(
          "gelu_forward", args("PPPL"),
          "gelu_backward", args("PPPPL"),
          "layer_norm_forward", args("PPPFPPPI"),
          "layer_norm_backward", args("PPPPPI"),
          "layer_norm_parameter_grads", args("PPPPII"),
          "causal_softmax_forward", args("PI"),
          "causal_softmax_backward", args("PPI"),
          "adamw", args("PPPPPLFFFFFFF"),
          "to_bf16", args("PPL"));

  private final CudaDriver driver;
  private final Map<String, MemorySegment> functions = new HashMap<>();

  CudaKernels(CudaDriver driver) {
    this.driver = driver;
    MemorySegment module = driver.loadModule(fatBinary());
    KERNELS.keySet().forEach(name -> functions.put(name, driver.function(module, name)));
  }

  void geluForward(DeviceArray x, DeviceArray y, DeviceArray t) {
    elementwise("gelu_forward", x.length(), x, y, t, x.length());
  }

  void geluBackward(DeviceArray dy, DeviceArray x, DeviceArray t, DeviceArray dx) {
    elementwise("gelu_backward", x.length(), dy, x, t, dx, x.length());
  }

  void layerNormForward(
      DeviceArray x,
      DeviceArray gain,
      DeviceArray shift,
      float epsilon,
      DeviceArray normalized,
      DeviceArray inverseStd,
      DeviceArray y,
      int rows,
      int dim) {
    launch(
        "layer_norm_forward",
        rows,
        THREADS,
        x,
        gain,
        shift,
        epsilon,
        normalized,
        inverseStd,
        y,
        dim);
  }

  /** dx, and adds to the gain and shift gradients. */
  void layerNormBackward(
      DeviceArray dy,
      DeviceArray normalized,
      DeviceArray inverseStd,
      DeviceArray gain,
      DeviceArray dx,
      DeviceArray gainGrad,
      DeviceArray shiftGrad,
      int rows,
      int dim) {
    launch("layer_norm_backward", rows, THREADS, dy, normalized, inverseStd, gain, dx, dim);
    launch(
        "layer_norm_parameter_grads",
        (dim + THREADS - 1) / THREADS,
        THREADS,
        dy,
        normalized,
        gainGrad,
        shiftGrad,
        rows,
        dim);
  }

  void causalSoftmaxForward(DeviceArray scores, int rows, int time) {
    launch("causal_softmax_forward", rows, THREADS, scores, time);
  }

  void causalSoftmaxBackward(DeviceArray dprobs, DeviceArray probs, int rows, int time) {
    launch("causal_softmax_backward", rows, THREADS, dprobs, probs, time);
  }

  /** The scalars in AdamWKernel.Step's order: lr, decay, β1, β2, ε, 1 − β1^t, 1 − β2^t. */
  void adamW(
      float[] step,
      DeviceArray values,
      DeviceArray grads,
      DeviceArray first,
      DeviceArray second,
      DeviceArray mask) {
    elementwise(
        "adamw",
        values.length(),
        values,
        grads,
        first,
        second,
        mask,
        values.length(),
        step[0],
        step[1],
        step[2],
        step[3],
        step[4],
        step[5],
        step[6]);
  }

  void toBf16(DeviceArray x, DeviceArray y) {
    elementwise("to_bf16", x.length(), x, y, x.length());
  }

  private void elementwise(String kernel, long n, Object... arguments) {
    int blocks = (int) Math.min(MAX_BLOCKS, Math.max(1, (n + THREADS - 1) / THREADS));
    launch(kernel, blocks, THREADS, arguments);
  }

  private void launch(String kernel, int blocks, int threads, Object... arguments) {
    List<Argument> expected = KERNELS.get(kernel);
    if (expected.size() != arguments.length) {
      throw new IllegalArgumentException(
          kernel + " takes " + expected.size() + " arguments, not " + arguments.length);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment parameters = arena.allocate(ADDRESS, arguments.length);
      for (int i = 0; i < arguments.length; i++) {
        parameters.setAtIndex(ADDRESS, i, value(arena, kernel, i, expected.get(i), arguments[i]));
      }
      driver.launch(kernel, functions.get(kernel), blocks, threads, parameters);
    }
  }

  private static MemorySegment value(
      Arena arena, String kernel, int index, Argument kind, Object argument) {
    return switch (kind) {
      case POINTER ->
          arena.allocateFrom(ADDRESS, as(DeviceArray.class, kernel, index, argument).pointer());
      case LONG -> arena.allocateFrom(JAVA_LONG, as(Long.class, kernel, index, argument));
      case INT -> arena.allocateFrom(JAVA_INT, as(Integer.class, kernel, index, argument));
      case FLOAT -> arena.allocateFrom(JAVA_FLOAT, as(Float.class, kernel, index, argument));
    };
  }

  private static <T> T as(Class<T> type, String kernel, int index, Object argument) {
    if (!type.isInstance(argument)) {
      throw new IllegalArgumentException(
          kernel
              + " argument "
              + index
              + " must be a "
              + type.getSimpleName()
              + ", not "
              + argument);
    }
    return type.cast(argument);
  }

  private static List<Argument> args(String kinds) {
    return kinds
        .chars()
        .mapToObj(
            c ->
                switch (c) {
                  case 'P' -> Argument.POINTER;
                  case 'L' -> Argument.LONG;
                  case 'I' -> Argument.INT;
                  case 'F' -> Argument.FLOAT;
                  default -> throw new IllegalArgumentException("argument kind " + (char) c);
                })
        .toList();
  }

  private static MemorySegment fatBinary() {
    try (InputStream in = CudaKernels.class.getResourceAsStream(FAT_BINARY)) {
      if (in == null) {
        throw new IllegalStateException(FAT_BINARY + " is not in the emergent-trainer-cuda jar");
      }
      return Arena.global().allocateFrom(JAVA_BYTE, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
