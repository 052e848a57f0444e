package dev.emergent.operator;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Kubernetes Events on a TrainingRun for every decision the operator takes about it. */
@ApplicationScoped
public class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(TrainingRun run, String reason, String message) {
    record(run, "Normal", reason, message);
  }

  public void warning(TrainingRun run, String reason, String message) {
    record(run, "Warning", reason, message);
  }

  private void record(TrainingRun run, String type, String reason, String message) {
    LOG.infof(
        "%s/%s: %s: %s",
        run.getMetadata().getNamespace(), run.getMetadata().getName(), reason, message);
    String now = Instant.now().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                run.getMetadata().getName()
                    + "."
                    + Long.toHexString(System.currentTimeMillis())
                    + Long.toHexString(SEQUENCE.incrementAndGet()))
            .withNamespace(run.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(run.getApiVersion())
            .withKind(run.getKind())
            .withName(run.getMetadata().getName())
            .withNamespace(run.getMetadata().getNamespace())
            .withUid(run.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withReportingComponent("emergent-operator")
            .withNewSource()
            .withComponent("emergent-operator")
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(run.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf("event %s not recorded: %s", reason, e.getMessage());
    }
  }
}
