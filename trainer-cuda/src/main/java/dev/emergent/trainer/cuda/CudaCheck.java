package dev.emergent.trainer.cuda;

import dev.emergent.trainer.bench.ReferenceTraining;
import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import dev.emergent.trainer.kernels.AdamWKernel;
import dev.emergent.trainer.kernels.HostKernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device check of the CUDA backend's parts, for a machine with a GPU: every GEMM form and
 * kernel against the CPU's results on the same inputs (the scalar reference kernels the trainer's
 * gradient checks cover), the model's first training steps against the CPU's losses, then the
 * throughput of GEMMs and of a model's training steps. One line per check; exits 0 when all pass, 1
 * when one does not, 2 when there is no usable GPU.
 */
public final class CudaCheck {
  private static final int ROWS = 96;
  private static final int DIM = 160;
  private static final int TIME = 64;

  private final CudaDevice device;
  private final CudaCompute memory;
  private final Random random = new Random(7);
  private boolean failed;

  private CudaCheck(CudaDevice device) {
    this.device = device;
    this.memory = device.compute();
  }

  /**
   * Options: {@code --gemm N} (the GEMM throughput size, 4096), {@code --parity FILE} (the CPU's
   * losses of {@link #PARITY} from ReferenceTraining, to compare the CUDA backend's with), {@code
   * --throughput L,D,H,C,B} (a model to time, GPT-2 small's shape by default), {@code --dry-run}
   * (load the model path on a no-op backend, to check a staged class path without a GPU).
   */
  public static void main(String[] args) {
    Options options = Options.parse(args);
    if (options.dryRun()) {
      ReferenceTraining.run(NoOpCompute.create(), PARITY, 0, 2);
      System.out.println("dry run: the model's training path loads on this class path");
      return;
    }
    CudaDevice device;
    try {
      device = CudaDevice.open(System.getenv());
    } catch (AcceleratorUnavailableException e) {
      System.out.println(e.getMessage());
      System.exit(2);
      return;
    }
    try (device) {
      System.out.println(device.description());
      CudaCheck check = new CudaCheck(device);
      check.gemms();
      check.kernels();
      check.throughput(options.gemmSize());
      if (options.parity() != null) {
        check.parity(options.parity());
      }
      check.modelThroughput(options.model());
      System.exit(check.failed ? 1 : 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference model of bench/trainer-throughput, whose first steps the backends compare. */
  static final ReferenceTraining.Shape PARITY = new ReferenceTraining.Shape(6, 256, 8, 128, 16);

  record Options(int gemmSize, Path parity, ReferenceTraining.Shape model, boolean dryRun) {
    static Options parse(String[] args) {
      int gemm = 4096;
      Path parity = null;
      ReferenceTraining.Shape model = new ReferenceTraining.Shape(12, 768, 12, 1024, 8);
      boolean dryRun = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--gemm" -> gemm = Integer.parseInt(args[++i]);
          case "--parity" -> parity = Path.of(args[++i]);
          case "--throughput" -> model = ReferenceTraining.Shape.of(args[++i].split(","));
          case "--dry-run" -> dryRun = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(gemm, parity, model, dryRun);
    }
  }

  /**
   * The CUDA backend's losses over the first steps of the reference model against the CPU's, from
   * the same initialisation and batches: within 1e-3 relative in fp32.
   */
  private void parity(Path cpuLosses) throws IOException {
    List<Double> cpu = losses(Files.readString(cpuLosses));
    ReferenceTraining.Result cuda = ReferenceTraining.run(device.compute(), PARITY, 0, cpu.size());
    double worst = 0;
    for (int i = 0; i < cpu.size(); i++) {
      worst = Math.max(worst, Math.abs(cuda.losses().get(i) - cpu.get(i)) / Math.abs(cpu.get(i)));
    }
    boolean pass = worst <= 1e-3;
    failed |= !pass;
    System.out.printf(
        Locale.ROOT,
        "%s model parity %s, %d steps: worst relative loss difference %.2e (tolerance 1e-03);"
            + " losses cpu %.5f → %.5f, cuda %.5f → %.5f%n",
        pass ? "PASS" : "FAIL",
        PARITY,
        cpu.size(),
        worst,
        cpu.get(0),
        cpu.get(cpu.size() - 1),
        cuda.losses().get(0),
        cuda.losses().get(cpu.size() - 1));
  }

  /** Training tokens per second of a model on the GPU, fp32, after two warm-up steps. */
  private void modelThroughput(ReferenceTraining.Shape shape) {
    ReferenceTraining.Result result = ReferenceTraining.run(device.compute(), shape, 2, 10);
    System.out.printf(
        Locale.ROOT,
        "model %s: fp32 %.0f tokens/s, %d parameters, about %.1f TFLOP/s (6 × parameters per"
            + " token, attention not counted)%n",
        shape,
        result.tokensPerSecond(),
        result.parameters(),
        6.0 * result.parameters() * result.tokensPerSecond() / 1e12);
  }

  /** The "losses" array of ReferenceTraining's JSON line. */
  static List<Double> losses(String json) {
    Matcher array = Pattern.compile("\\\"losses\\\":\\s*\\[([^\\]]*)\\]").matcher(json);
    if (!array.find()) {
      throw new IllegalArgumentException("no losses in " + json);
    }
    return Arrays.stream(array.group(1).split(","))
        .map(String::strip)
        .map(Double::parseDouble)
        .toList();
  }

  private void gemms() {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Cublas.Shape shape = new Cublas.Shape(ta, tb, 192, 160, 96);
        float[] a = values(shape.m() * shape.k(), 1);
        float[] b = values(shape.k() * shape.n(), 1);
        float[] c = values(shape.m() * shape.n(), 1);
        float[] expected = gemm(shape, a, b, c, 0.5f, 0.25f);
        CudaTensor da = onDevice(a);
        CudaTensor db = onDevice(b);
        CudaTensor dc = onDevice(c);
        device.cublas().gemm(shape, da.pointer(), db.pointer(), dc.pointer(), 0.5f, 0.25f);
        compare("gemm fp32 " + name(shape), dc, expected, 1e-5);
        CudaTensor ha = bf16(a.length);
        CudaTensor hb = bf16(b.length);
        device.kernels().toBf16(da, ha, a.length);
        device.kernels().toBf16(db, hb, b.length);
        CudaTensor hc = onDevice(c);
        device.cublas().gemmBf16(shape, ha.pointer(), hb.pointer(), hc.pointer(), 0.5f, 0.25f);
        compare("gemm bf16 " + name(shape), hc, expected, 2e-2);
      }
    }
    Cublas.Shape shape = new Cublas.Shape(false, true, TIME, TIME, 32);
    int batch = 6;
    float[] a = values(batch * TIME * 32, 1);
    float[] b = values(batch * TIME * 32, 1);
    float[] expected = new float[batch * TIME * TIME];
    for (int i = 0; i < batch; i++) {
      float[] product =
          gemm(
              shape,
              Arrays.copyOfRange(a, i * TIME * 32, (i + 1) * TIME * 32),
              Arrays.copyOfRange(b, i * TIME * 32, (i + 1) * TIME * 32),
              new float[TIME * TIME],
              1,
              0);
      System.arraycopy(product, 0, expected, i * TIME * TIME, product.length);
    }
    CudaTensor dc = zeros(expected.length);
    device
        .cublas()
        .gemmBatched(
            shape, batch, onDevice(a).pointer(), onDevice(b).pointer(), dc.pointer(), 1, 0);
    compare("gemm fp32 batched " + batch + " × " + name(shape), dc, expected, 1e-5);
  }

  private void kernels() {
    CudaKernels kernels = device.kernels();
    int n = ROWS * DIM;
    float[] x = values(n, 3);
    float[] y = new float[n];
    float[] t = new float[n];
    HostKernels.geluForward(x, y, t);
    float[] dy = values(n, 1);
    float[] dx = new float[n];
    HostKernels.geluBackward(dy, x, t, dx);
    CudaTensor gx = onDevice(x);
    CudaTensor gy = zeros(n);
    CudaTensor gt = zeros(n);
    CudaTensor gdx = zeros(n);
    kernels.geluForward(gx, gy, gt, n);
    kernels.geluBackward(onDevice(dy), gx, gt, gdx, n);
    compare("gelu forward", gy, y, 1e-5);
    compare("gelu backward", gdx, dx, 1e-5);

    float[] gain = values(DIM, 1);
    float[] shift = values(DIM, 1);
    float[] normalized = new float[n];
    double[] inverseStd = new double[ROWS];
    HostKernels.layerNormForward(x, gain, shift, 1e-5, normalized, inverseStd, y);
    float[] gainGrad = values(DIM, 1);
    float[] shiftGrad = values(DIM, 1);
    float[] gainGradBefore = gainGrad.clone();
    float[] shiftGradBefore = shiftGrad.clone();
    HostKernels.layerNormBackward(dy, normalized, inverseStd, gain, dx, gainGrad, shiftGrad);
    CudaTensor ggain = onDevice(gain);
    CudaTensor gnormalized = zeros(n);
    CudaTensor ginverse = zeros(ROWS);
    CudaTensor gLayerNorm = zeros(n);
    CudaTensor gLayerNormDx = zeros(n);
    CudaTensor ggainGrad = onDevice(gainGradBefore);
    CudaTensor gshiftGrad = onDevice(shiftGradBefore);
    kernels.layerNormForward(
        onDevice(x), ggain, onDevice(shift), 1e-5f, gnormalized, ginverse, gLayerNorm, ROWS, DIM);
    kernels.layerNormBackward(
        onDevice(dy), gnormalized, ginverse, ggain, gLayerNormDx, ggainGrad, gshiftGrad, ROWS, DIM);
    compare("layer norm forward", gLayerNorm, y, 1e-5);
    compare("layer norm backward dx", gLayerNormDx, dx, 1e-4);
    compare("layer norm backward gain", ggainGrad, gainGrad, 1e-4);
    compare("layer norm backward shift", gshiftGrad, shiftGrad, 1e-4);

    int rows = 2 * 3 * TIME;
    float[] scores = values(rows * TIME, 4);
    float[] probs = scores.clone();
    HostKernels.causalSoftmaxForward(probs, TIME);
    float[] dprobs = values(rows * TIME, 1);
    float[] dscores = dprobs.clone();
    HostKernels.causalSoftmaxBackward(dscores, probs, TIME);
    CudaTensor gs = onDevice(scores);
    CudaTensor gd = onDevice(dprobs);
    kernels.causalSoftmaxForward(gs, rows, TIME);
    kernels.causalSoftmaxBackward(gd, gs, rows, TIME);
    compare("causal softmax forward", gs, probs, 1e-5);
    compare("causal softmax backward", gd, dscores, 1e-5);

    AdamWKernel.Step step = new AdamWKernel.Step(1e-3, 0.1, 0.9, 0.95, 1e-8, 0.1, 0.0975);
    float[] values = values(n, 1);
    float[] grads = values(n, 1);
    float[] first = values(n, 0.1);
    float[] second = squares(values(n, 0.1));
    float[] mask = new float[n];
    Arrays.fill(mask, 0, n / 2, 1);
    float[][] host = {values.clone(), grads, first.clone(), second.clone(), mask};
    HostKernels.adamW(step, host[0], host[1], host[2], host[3], host[4]);
    CudaTensor gv = onDevice(values);
    CudaTensor gsecond = onDevice(second);
    float[] scalars = {1e-3f, 0.1f, 0.9f, 0.95f, 1e-8f, 0.1f, 0.0975f};
    kernels.adamW(scalars, gv, onDevice(grads), onDevice(first), gsecond, onDevice(mask), n);
    compare("adamw values", gv, host[0], 1e-5);
    compare("adamw moments", gsecond, host[3], 1e-5);
  }

  /** GEMM throughput on square matrices of random values, fp32 and bf16, after a warm-up. */
  private void throughput(int size) {
    Cublas.Shape shape = new Cublas.Shape(false, false, size, size, size);
    int elements = size * size;
    CudaTensor a = onDevice(values(elements, 1));
    CudaTensor b = onDevice(values(elements, 1));
    CudaTensor c = zeros(elements);
    CudaTensor ha = bf16(elements);
    CudaTensor hb = bf16(elements);
    device.kernels().toBf16(a, ha, elements);
    device.kernels().toBf16(b, hb, elements);
    double fp32 =
        tflops(
            size, () -> device.cublas().gemm(shape, a.pointer(), b.pointer(), c.pointer(), 1, 0));
    double halves =
        tflops(
            size,
            () -> device.cublas().gemmBf16(shape, ha.pointer(), hb.pointer(), c.pointer(), 1, 0));
    System.out.printf(
        Locale.ROOT,
        "gemm %d³: fp32 %.1f TFLOP/s, bf16 (fp32 accumulate) %.1f TFLOP/s%n",
        size,
        fp32,
        halves);
  }

  private double tflops(int size, Runnable gemm) {
    int repeats = 20;
    gemm.run();
    runtime().synchronize();
    long start = System.nanoTime();
    for (int i = 0; i < repeats; i++) {
      gemm.run();
    }
    runtime().synchronize();
    double seconds = (System.nanoTime() - start) / 1e9;
    return 2.0 * size * size * size * repeats / seconds / 1e12;
  }

  /** A device tensor with {@code values}. */
  private CudaTensor onDevice(float[] values) {
    return (CudaTensor) memory.fromHost(values, values.length);
  }

  private CudaTensor zeros(long n) {
    return (CudaTensor) memory.zeros(n);
  }

  /** Room for {@code n} bf16 values, which only kernels and cuBLAS read and write. */
  private CudaTensor bf16(long n) {
    return zeros((n + 1) / 2);
  }

  private void compare(String what, CudaTensor actual, float[] expected, double tolerance) {
    compare(what, memory.toFloats(actual), expected, tolerance);
  }

  private void compare(String what, float[] actual, float[] expected, double tolerance) {
    double scale = 0;
    double error = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      error = Math.max(error, Math.abs(actual[i] - expected[i]));
    }
    double relative = error / Math.max(scale, 1e-30);
    boolean pass = relative <= tolerance;
    failed |= !pass;
    System.out.printf(
        Locale.ROOT,
        "%s %s: max error %.2e of max |value| %.3g (tolerance %.0e)%n",
        pass ? "PASS" : "FAIL",
        what,
        relative,
        scale,
        tolerance);
  }

  /** The row-major reference: alpha·op(A)·op(B) + beta·C, accumulated in double. */
  private static float[] gemm(
      Cublas.Shape s, float[] a, float[] b, float[] c, float alpha, float beta) {
    float[] out = new float[s.m() * s.n()];
    for (int i = 0; i < s.m(); i++) {
      for (int j = 0; j < s.n(); j++) {
        double sum = 0;
        for (int p = 0; p < s.k(); p++) {
          float left = s.transposeA() ? a[p * s.m() + i] : a[i * s.k() + p];
          float right = s.transposeB() ? b[j * s.k() + p] : b[p * s.n() + j];
          sum += (double) left * right;
        }
        out[i * s.n() + j] = (float) (alpha * sum + beta * c[i * s.n() + j]);
      }
    }
    return out;
  }

  private static String name(Cublas.Shape s) {
    return (s.transposeA() ? "T" : "N")
        + (s.transposeB() ? "T" : "N")
        + " "
        + s.m()
        + "x"
        + s.n()
        + "x"
        + s.k();
  }

  private float[] values(int n, double scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextGaussian() * scale);
    }
    return values;
  }

  private static float[] squares(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] *= values[i];
    }
    return values;
  }

  private CudaRuntime runtime() {
    return device.runtime();
  }
}
