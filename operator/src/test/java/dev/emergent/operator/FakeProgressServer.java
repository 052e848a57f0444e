package dev.emergent.operator;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays every trainer's GET /progress on 127.0.0.1 (the address the simulated kubelet gives rank
 * 0): each request reports one more step.
 */
public class FakeProgressServer implements QuarkusTestResourceLifecycleManager {
  static final AtomicInteger REQUESTS = new AtomicInteger();
  private HttpServer server;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext(
        "/progress",
        exchange -> {
          int step = REQUESTS.incrementAndGet();
          byte[] body =
              ("{\"state\":\"Running\",\"step\":"
                      + step
                      + ",\"totalSteps\":1000,\"loss\":"
                      + (3.0 / step)
                      + ",\"metrics\":{\"tokensPerSecond\":1234.5,\"evalLoss\":2.5}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return Map.of(
        "emergent.operator.progress-port", Integer.toString(server.getAddress().getPort()));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }
}
