package dev.emergent.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a TrainingRun for every decision the operator takes about it. The same
 * decision recorded again (a reconcile retried after a conflict, a condition seen twice) counts up
 * one Event, as Kubernetes' own recorders do, instead of adding another.
 */
@ApplicationScoped
public class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata run, String reason, String message) {
    record(run, "Normal", reason, message);
  }

  public void warning(HasMetadata run, String reason, String message) {
    record(run, "Warning", reason, message);
  }

  private void record(HasMetadata run, String type, String reason, String message) {
    LOG.infof(
        "%s/%s: %s: %s",
        run.getMetadata().getNamespace(), run.getMetadata().getName(), reason, message);
    String now = Instant.now().toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name(run, type, reason, message))
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
    var events = client.v1().events().inNamespace(run.getMetadata().getNamespace());
    try {
      events.resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        LOG.debugf("event %s not recorded: %s", reason, e.getMessage());
        return;
      }
      try {
        events
            .withName(event.getMetadata().getName())
            .edit(
                seen -> {
                  seen.setCount(seen.getCount() == null ? 2 : seen.getCount() + 1);
                  seen.setLastTimestamp(now);
                  return seen;
                });
      } catch (KubernetesClientException again) {
        LOG.debugf("event %s not counted: %s", reason, again.getMessage());
      }
    }
  }

  /** One name per run, type, reason and message: the key a repeat is counted under. */
  static String name(HasMetadata run, String type, String reason, String message) {
    String key = String.join("\n", run.getMetadata().getUid(), type, reason, message);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return run.getMetadata().getName() + "." + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
