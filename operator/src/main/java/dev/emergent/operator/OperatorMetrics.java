package dev.emergent.operator;

import dev.emergent.api.v1alpha1.RunPhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics of the operator: runs by phase, stage durations, restarts by reason and
 * reconcile latency.
 */
@ApplicationScoped
public class OperatorMetrics {
  private final MeterRegistry registry;
  private final Map<String, RunPhase> phases = new ConcurrentHashMap<>();
  private final Timer reconcile;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (RunPhase phase : RunPhase.values()) {
      Gauge.builder("emergent.runs", phases, m -> m.values().stream().filter(phase::equals).count())
          .description("TrainingRuns by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    reconcile =
        Timer.builder("emergent.reconcile.duration")
            .description("Time of one TrainingRun reconcile")
            .register(registry);
  }

  public void phase(String run, RunPhase phase) {
    phases.put(run, phase);
  }

  public void removed(String run) {
    phases.remove(run);
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
