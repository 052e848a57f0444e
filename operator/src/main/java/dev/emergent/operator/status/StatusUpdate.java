package dev.emergent.operator.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The status as a reconcile found it and as it leaves it: a deep copy to build on, and a patch of a
 * minimal object (name, namespace, resourceVersion, status) only when something changed, so a run
 * at rest is never written.
 */
public final class StatusUpdate {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusUpdate() {}

  public static TrainingRunStatus copy(TrainingRunStatus status) {
    return copy(status, TrainingRunStatus.class, TrainingRunStatus::new);
  }

  public static <S> S copy(S status, Class<S> type, Supplier<S> empty) {
    if (status == null) {
      return empty.get();
    }
    try {
      return JSON.readValue(JSON.writeValueAsString(status), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be copied", e);
    }
  }

  /**
   * The patch of {@code after} if it differs from {@code before}, and the next reconcile after
   * {@code requeue}. The resourceVersion makes the patch fail on a run that changed meanwhile, so a
   * decision taken on stale state is retried instead of written.
   */
  public static UpdateControl<TrainingRun> patchIfChanged(
      TrainingRun run,
      TrainingRunStatus before,
      TrainingRunStatus after,
      Optional<Duration> requeue) {
    return patchIfChanged(run, before, after, requeue, TrainingRun::new);
  }

  /** The same for any resource with a status; {@code empty} makes the object of the patch. */
  public static <R extends CustomResource<?, S>, S> UpdateControl<R> patchIfChanged(
      R run, S before, S after, Optional<Duration> requeue, Supplier<R> empty) {
    UpdateControl<R> control;
    if (json(before).equals(json(after))) {
      control = UpdateControl.noUpdate();
    } else {
      R patch = empty.get();
      patch.setMetadata(
          new ObjectMetaBuilder()
              .withName(run.getMetadata().getName())
              .withNamespace(run.getMetadata().getNamespace())
              .withResourceVersion(run.getMetadata().getResourceVersion())
              .build());
      patch.setStatus(after);
      control = UpdateControl.patchStatus(patch);
    }
    requeue.ifPresent(
        delay -> control.rescheduleAfter(delay.isZero() ? Duration.ofMillis(1) : delay));
    return control;
  }

  private static String json(Object status) {
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be written", e);
    }
  }
}
