package dev.emergent.operator.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** GET /progress over HTTP with short timeouts: a slow trainer must not hold a thread long. */
@ApplicationScoped
public class HttpProgressClient implements ProgressClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  @Override
  public CompletableFuture<JsonNode> fetch(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
              }
              try {
                return JSON.readTree(response.body());
              } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }
}
