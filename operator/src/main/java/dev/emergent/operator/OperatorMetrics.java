package dev.emergent.operator;

import dev.emergent.api.v1alpha1.RunPhase;
import dev.emergent.api.v1alpha1.TrainingRun;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Prometheus metrics of the operator: runs by phase, stage durations, restarts by reason and
 * reconcile latency.
 */
@ApplicationScoped
public class OperatorMetrics {
  private final MeterRegistry registry;
  private final Timer reconcile;
  private volatile Supplier<Stream<TrainingRun>> runs = Stream::empty;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (RunPhase phase : RunPhase.values()) {
      Gauge.builder("emergent.runs", this, m -> m.count(phase))
          .description("TrainingRuns by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    reconcile =
        Timer.builder("emergent.reconcile.duration")
            .description("Time of one TrainingRun reconcile")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /**
   * Counts runs by phase from the operator's cache of TrainingRuns at each scrape, so that a
   * deleted run leaves no count behind and nothing has to be told about deletions.
   */
  public void countRunsIn(Supplier<Stream<TrainingRun>> cachedRuns) {
    runs = cachedRuns;
  }

  private long count(RunPhase phase) {
    return runs.get().filter(r -> r.getStatus() != null && r.getStatus().phase == phase).count();
  }

  public void restart(String reason) {
    registry.counter("emergent.stage.restarts", "reason", reason).increment();
  }

  public void stageFinished(String type, String outcome, Duration duration) {
    Timer.builder("emergent.stage.duration")
        .description("Time from a stage's first attempt to its end")
        .tags("type", type, "outcome", outcome)
        .register(registry)
        .record(duration);
  }

  public Timer.Sample startReconcile() {
    return Timer.start(registry);
  }

  public void endReconcile(Timer.Sample sample) {
    sample.stop(reconcile);
  }
}
