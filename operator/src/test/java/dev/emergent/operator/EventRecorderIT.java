package dev.emergent.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.api.v1alpha1.TrainingRun;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderIT {
  KubernetesClient client;

  private TrainingRun run() {
    TrainingRun run = new TrainingRun();
    run.getMetadata().setName("demo");
    run.getMetadata().setNamespace("team");
    run.getMetadata().setUid("0b6c1f5e-1");
    return run;
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("team").list().getItems();
  }

  @Test
  void aDecisionRecordedAgainCountsUpOneEvent() {
    EventRecorder recorder = new EventRecorder(client);

    recorder.warning(run(), "CheckpointFallback", "stage pretrain: skipped latest");
    recorder.warning(run(), "CheckpointFallback", "stage pretrain: skipped latest");
    recorder.normal(run(), "StageSucceeded", "stage pretrain succeeded");

    assertThat(events())
        .hasSize(2)
        .filteredOn(e -> e.getReason().equals("CheckpointFallback"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getCount()).isEqualTo(2);
              assertThat(e.getInvolvedObject().getUid()).isEqualTo("0b6c1f5e-1");
              assertThat(e.getMetadata().getName()).startsWith("demo.");
            });
  }
}
