package dev.emergent.trainer.bench;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.run.PeakFlops;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Emergent's side of bench/trainer-throughput: full training steps of a GPT of the given shape on
 * the CPU ({@link ReferenceTraining}). Prints one JSON line: tokens per second and the GEMM peak.
 * Usage: ThroughputBenchmark LAYERS D_MODEL HEADS CONTEXT BATCH STEPS
 */
public final class ThroughputBenchmark {
  private static final int WARMUP_STEPS = 3;

  private ThroughputBenchmark() {}

  public static void main(String[] args) {
    ReferenceTraining.Result result =
        ReferenceTraining.run(
            Compute.cpu(DataType.FLOAT),
            ReferenceTraining.Shape.of(args),
            WARMUP_STEPS,
            Integer.parseInt(args[5]));
    System.out.printf(
        Locale.ROOT,
        "{\"tokensPerSecond\": %.1f, \"peakFlops\": %.1f, \"parameters\": %d}%n",
        result.tokensPerSecond(),
        PeakFlops.measure(),
        result.parameters());
  }
}
