package dev.emergent.operator.progress;

import dev.emergent.plan.Progress;
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
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  @Override
  public CompletableFuture<Progress> fetch(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
              }
              try {
                return Progress.parse(response.body());
              } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }
}
