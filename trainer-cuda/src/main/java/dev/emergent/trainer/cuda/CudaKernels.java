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
      Map.ofEntries(
          Map.entry("gelu_forward", args("PPPL")),
          Map.entry("gelu_backward", args("PPPPL")),
          Map.entry("layer_norm_forward", args("PPPFPPPI")),
          Map.entry("layer_norm_backward", args("PPPPPI")),
          Map.entry("layer_norm_parameter_grads", args("PPPPII")),
          Map.entry("causal_softmax_forward", args("PI")),
          Map.entry("causal_softmax_backward", args("PPI")),
          Map.entry("adamw", args("PPPPPLFFFFFFF")),
          Map.entry("to_bf16", args("PPL")),
          Map.entry("fill", args("PFL")),
          Map.entry("scale", args("PFL")),
          Map.entry("add", args("PPPL")),
          Map.entry("one_hot", args("PPII")),
          Map.entry("sum_of_squares", args("PPL")),
          Map.entry("softmax_cross_entropy", args("PPPPPI")),
          Map.entry("softmax_cross_entropy_backward", args("PPPPIL")),
          Map.entry("argmax_rows", args("PPI")));

  /** Starts a kernel by name; {@code parameters} points to one pointer per argument. */
  interface Launcher {
    void launch(String kernel, int blocks, int threads, MemorySegment parameters);
  }

  private final Launcher launcher;

  /** The kernels of the fat binary, loaded into the current context. */
  CudaKernels(CudaDriver driver) {
    MemorySegment module = driver.loadModule(fatBinary());
    Map<String, MemorySegment> functions = new HashMap<>();
    KERNELS.keySet().forEach(name -> functions.put(name, driver.function(module, name)));
    this.launcher =
        (kernel, blocks, threads, parameters) ->
            driver.launch(kernel, functions.get(kernel), blocks, threads, parameters);
  }

  CudaKernels(Launcher launcher) {
    this.launcher = launcher;
  }

  /** y = GELU(x), t = the tanh kept for backward; n elements each. */
  void geluForward(DeviceMemory x, DeviceMemory y, DeviceMemory t, long n) {
    elementwise("gelu_forward", n, x, y, t, n);
  }

  void geluBackward(DeviceMemory dy, DeviceMemory x, DeviceMemory t, DeviceMemory dx, long n) {
    elementwise("gelu_backward", n, dy, x, t, dx, n);
  }

  void layerNormForward(
      DeviceMemory x,
      DeviceMemory gain,
      DeviceMemory shift,
      float epsilon,
      DeviceMemory normalized,
      DeviceMemory inverseStd,
      DeviceMemory y,
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
      DeviceMemory dy,
      DeviceMemory normalized,
      DeviceMemory inverseStd,
      DeviceMemory gain,
      DeviceMemory dx,
      DeviceMemory gainGrad,
      DeviceMemory shiftGrad,
      int rows,
      int dim) {
    launch("layer_norm_backward", rows, THREADS, dy, normalized, inverseStd, gain, dx, dim);
    launch(
        "layer_norm_parameter_grads",
        blocks(dim),
        THREADS,
        dy,
        normalized,
        gainGrad,
        shiftGrad,
        rows,
        dim);
  }

  void causalSoftmaxForward(DeviceMemory scores, int rows, int time) {
    launch("causal_softmax_forward", rows, THREADS, scores, time);
  }

  void causalSoftmaxBackward(DeviceMemory dprobs, DeviceMemory probs, int rows, int time) {
    launch("causal_softmax_backward", rows, THREADS, dprobs, probs, time);
  }

  /** The scalars in AdamWKernel.Step's order: lr, decay, β1, β2, ε, 1 − β1^t, 1 − β2^t. */
  void adamW(
      float[] step,
      DeviceMemory values,
      DeviceMemory grads,
      DeviceMemory first,
      DeviceMemory second,
      DeviceMemory mask,
      long n) {
    elementwise(
        "adamw", n, values, grads, first, second, mask, n, step[0], step[1], step[2], step[3],
        step[4], step[5], step[6]);
  }

  void toBf16(DeviceMemory x, DeviceMemory y, long n) {
    elementwise("to_bf16", n, x, y, n);
  }

  void fill(DeviceMemory tensor, float value, long n) {
    elementwise("fill", n, tensor, value, n);
  }

  void scale(DeviceMemory tensor, float factor, long n) {
    elementwise("scale", n, tensor, factor, n);
  }

  void add(DeviceMemory a, DeviceMemory b, DeviceMemory out, long n) {
    elementwise("add", n, a, b, out, n);
  }

  /** Ones at (row, ids[row]) of a zeroed [rows, columns] matrix; ids are ints on the device. */
  void oneHot(DeviceMemory matrix, DeviceMemory ids, int rows, int columns) {
    launch("one_hot", blocks(rows), THREADS, matrix, ids, rows, columns);
  }

  /** Σ x² of each of {@code blocks} blocks into partial[block]. */
  void sumOfSquares(DeviceMemory x, DeviceMemory partial, long n, int blocks) {
    launch("sum_of_squares", blocks, THREADS, x, partial, n);
  }

  /** probs = softmax of each row, loss[row] = scale[row]·(−log probs[row, target]). */
  void softmaxCrossEntropy(
      DeviceMemory logits,
      DeviceMemory targets,
      DeviceMemory scale,
      DeviceMemory probs,
      DeviceMemory loss,
      int rows,
      int columns) {
    launch("softmax_cross_entropy", rows, THREADS, logits, targets, scale, probs, loss, columns);
  }

  void softmaxCrossEntropyBackward(
      DeviceMemory probs,
      DeviceMemory targets,
      DeviceMemory scale,
      DeviceMemory dlogits,
      int columns,
      long n) {
    elementwise("softmax_cross_entropy_backward", n, probs, targets, scale, dlogits, columns, n);
  }

  /** The column of each row's largest element, written as a float per row. */
  void argmaxRows(DeviceMemory matrix, DeviceMemory columnsOut, int rows, int columns) {
    launch("argmax_rows", rows, THREADS, matrix, columnsOut, columns);
  }

  /** Blocks of THREADS threads that cover {@code n} elements, one element per thread at most. */
  static int blocks(long n) {
    return (int) Math.min(MAX_BLOCKS, Math.max(1, (n + THREADS - 1) / THREADS));
  }

  private void elementwise(String kernel, long n, Object... arguments) {
    launch(kernel, blocks(n), THREADS, arguments);
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
      launcher.launch(kernel, blocks, threads, parameters);
    }
  }

  private static MemorySegment value(
      Arena arena, String kernel, int index, Argument kind, Object argument) {
    return switch (kind) {
      case POINTER ->
          arena.allocateFrom(ADDRESS, as(DeviceMemory.class, kernel, index, argument).pointer());
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
