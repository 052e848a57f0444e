package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.plan.Progress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProgressServerTest {

  @Test
  void servesProgressAsJsonAndMetricsAsPrometheusText() throws Exception {
    Progress progress =
        new Progress(
            "demo",
            "pretrain",
            "Pretrain",
            "Running",
            12,
            100,
            2.5,
            9000.0,
            30.0,
            "demo/pretrain/step-10",
            Map.of("evalLoss", 2.75));
    try (ProgressServer server = new ProgressServer(0, new AtomicReference<>(progress))) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();

      HttpResponse<String> json =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/progress")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> metrics =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.body())
          .contains("\"step\":12", "\"totalSteps\":100", "\"loss\":2.5", "\"etaSeconds\":30.0");
      assertThat(metrics.body())
          .contains("# TYPE emergent_step gauge")
          .contains("emergent_step{run=\"demo\",stage=\"pretrain\"} 12.0")
          .contains("emergent_metric_eval_loss{run=\"demo\",stage=\"pretrain\"} 2.75");
    }
  }
}
