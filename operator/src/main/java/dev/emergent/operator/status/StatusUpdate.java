package dev.emergent.operator.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.api.v1alpha1.TrainingRun;
import dev.emergent.api.v1alpha1.TrainingRunStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The status as a reconcile found it and as it leaves it: a deep copy to build on, and a patch of a
 * minimal object (name, namespace, resourceVersion, status) only when something changed, so a run
 * at rest is never written. The patched object goes into the controller's cache at once: the next
 * reconcile acts on this operator's own last write without a GET, even if the watch has not
 * delivered it yet (acting on the older copy could start an attempt that was just replaced).
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
   * Patches the status to {@code after} if it differs from {@code before}; returns the next
   * reconcile after {@code requeue}. The resourceVersion makes the patch fail on a run that changed
   * meanwhile, so a decision taken on stale state is retried instead of written.
   */
  public static UpdateControl<TrainingRun> patchIfChanged(
      TrainingRun run,
      TrainingRunStatus before,
      TrainingRunStatus after,
      Optional<Duration> requeue,
      Context<TrainingRun> context) {
    return patchIfChanged(run, before, after, requeue, TrainingRun::new, context);
  }

  /** The same for any resource with a status; {@code empty} makes the object of the patch. */
  public static <R extends CustomResource<?, S>, S> UpdateControl<R> patchIfChanged(
      R run, S before, S after, Optional<Duration> requeue, Supplier<R> empty, Context<R> context) {
    if (!json(before).equals(json(after))) {
      R patch = empty.get();
      patch.setMetadata(
          new ObjectMetaBuilder()
              .withName(run.getMetadata().getName())
              .withNamespace(run.getMetadata().getNamespace())
              .withResourceVersion(run.getMetadata().getResourceVersion())
              .build());
      patch.setStatus(after);
      R patched = patchStatus(run, patch, context);
      context
          .eventSourceRetriever()
          .getControllerEventSource()
          .handleRecentResourceUpdate(ResourceID.fromResource(run), patched, run);
    }
    UpdateControl<R> control = UpdateControl.noUpdate();
    requeue.ifPresent(
        delay -> control.rescheduleAfter(delay.isZero() ? Duration.ofMillis(1) : delay));
    return control;
  }

  /**
   * Server-side apply of the status, as JOSDK would; where it is configured off (the Fabric8 mock
   * answers apply with 415), a JSON patch from the run as read to the run with the new status.
   */
  private static <R extends CustomResource<?, S>, S> R patchStatus(
      R run, R patch, Context<R> context) {
    var configuration = context.getControllerConfiguration();
    if (!configuration.getConfigurationService().useSSAToPatchPrimaryResource()) {
      R copy = configuration.getConfigurationService().getResourceCloner().clone(run);
      return context
          .getClient()
          .resource(copy)
          .editStatus(
              edited -> {
                edited.setStatus(patch.getStatus());
                return edited;
              });
    }
    return context
        .getClient()
        .resource(patch)
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(configuration.fieldManager())
                .withForce(true)
                .build());
  }

  private static String json(Object status) {
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("status could not be written", e);
    }
  }
}
