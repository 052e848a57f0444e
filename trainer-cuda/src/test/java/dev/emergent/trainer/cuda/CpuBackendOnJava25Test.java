package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.bench.ReferenceTraining;
import dev.emergent.trainer.compute.Compute;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The CUDA image runs the whole trainer on Java 25, CPU stages included: the CPU backend must train
 * there too, although the Vector API it uses on Java 17 changed since (its kernels fall back to the
 * scalar references). This test JVM is that runtime, started as the image starts it.
 */
class CpuBackendOnJava25Test {
  @Test
  void theCpuBackendTrainsOnThisRuntime() {
    assertThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);

    ReferenceTraining.Result result =
        ReferenceTraining.run(
            Compute.cpu(DataType.FLOAT), new ReferenceTraining.Shape(2, 64, 2, 32, 4), 0, 3);

    assertThat(result.losses().get(0)).isBetween(5.0, 6.5);
    assertThat(result.losses()).allSatisfy(loss -> assertThat(loss).isFinite());
    assertThat(result.losses().get(2)).isLessThan(result.losses().get(0));
  }
}
