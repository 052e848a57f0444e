package dev.emergent.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.emergent.plan.Progress;
import dev.emergent.plan.TrainingRunFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** GET /progress (JSON) and GET /metrics (Prometheus text) of rank 0, on a daemon thread. */
public final class ProgressServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<Progress> current;

  public ProgressServer(int port, AtomicReference<Progress> current) throws IOException {
    this.current = current;
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext(
        "/progress", exchange -> reply(exchange, "application/json", progressJson()));
    server.createContext(
        "/metrics", exchange -> reply(exchange, "text/plain; version=0.0.4", metricsText()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private String progressJson() throws JsonProcessingException {
    return TrainingRunFiles.JSON.writeValueAsString(current.get());
  }

  private String metricsText() {
    Progress p = current.get();
    String labels = String.format("{run=\"%s\",stage=\"%s\"}", p.run(), p.stage());
    StringBuilder text = new StringBuilder();
    gauge(text, "emergent_step", "Optimizer steps completed", labels, p.step());
    gauge(text, "emergent_total_steps", "Steps of the stage", labels, p.totalSteps());
    if (p.loss() != null) {
      gauge(text, "emergent_loss", "Training loss of the last step", labels, p.loss());
    }
    if (p.tokensPerSecond() != null) {
      gauge(text, "emergent_tokens_per_second", "Training throughput", labels, p.tokensPerSecond());
    }
    if (p.metrics() != null) {
      for (Map.Entry<String, Double> metric : p.metrics().entrySet()) {
        String name =
            "emergent_metric_"
                + metric.getKey().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        gauge(text, name, "Stage metric " + metric.getKey(), labels, metric.getValue());
      }
    }
    return text.toString();
  }

  private static void gauge(
      StringBuilder text, String name, String help, String labels, double value) {
    text.append("# HELP ").append(name).append(' ').append(help).append('\n');
    text.append("# TYPE ").append(name).append(" gauge\n");
    text.append(name).append(labels).append(' ').append(value).append('\n');
  }

  private static void reply(HttpExchange exchange, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int status = exchange.getRequestMethod().equals("GET") ? 200 : 405;
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, status == 200 ? bytes.length : -1);
    if (status == 200) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
