package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  @Test
  void aDeletedRunLeavesNoCountBehind() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorMetrics metrics = new OperatorMetrics(registry);
    List<TrainingRun> cache = new ArrayList<>(List.of(run(RunPhase.Running), run(RunPhase.Failed)));
    metrics.countRunsIn(cache::stream);

    assertThat(runs(registry, RunPhase.Running)).isEqualTo(1);
    assertThat(runs(registry, RunPhase.Failed)).isEqualTo(1);

    cache.remove(1);

    assertThat(runs(registry, RunPhase.Failed)).isZero();
    assertThat(runs(registry, RunPhase.Running)).isEqualTo(1);
  }

  private static double runs(SimpleMeterRegistry registry, RunPhase phase) {
    return registry.get("emergent.runs").tag("phase", phase.name()).gauge().value();
  }

  private static TrainingRun run(RunPhase phase) {
    TrainingRun run = new TrainingRun();
    run.setStatus(new TrainingRunStatus());
    run.getStatus().phase = phase;
    return run;
  }
}
