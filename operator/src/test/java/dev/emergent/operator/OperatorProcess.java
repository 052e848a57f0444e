package dev.emergent.operator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) started as docs/operator.md
 * says, in the prod profile, against the cluster in KUBECONFIG; killable with SIGKILL and
 * restartable, as a crashing pod would be. Its output goes to a log file in target/.
 */
final class OperatorProcess implements AutoCloseable {
  static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Path log;
  private final Map<String, String> environment;
  private final int httpPort;
  private Process process;

  OperatorProcess(Path log, Map<String, String> environment) throws IOException {
    this.log = log;
    this.environment = environment;
    this.httpPort = freePort();
  }

  /** Starts the jar and waits until it serves its metrics, that is, until Quarkus has started. */
  void start() throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(List.of(javaBinary(), "-jar", JAR.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
    process = builder.start();
    Instant deadline = Instant.now().plusSeconds(60);
    while (!serving()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited at start; see " + log);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the operator did not start within 60 s; see " + log);
      }
      Thread.sleep(200);
    }
  }

  /**
   * Asks the process to end (SIGTERM, as the kubelet does) and returns its exit code, or -1 when it
   * is still running after {@code grace}, as a pod would be killed after its grace period.
   */
  int terminate(Duration grace) throws InterruptedException {
    process.destroy();
    return process.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        ? process.exitValue()
        : -1;
  }

  /** Ends the process at once, as the node or the OOM killer would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  private boolean serving() {
    try {
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
