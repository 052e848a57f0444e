package dev.emergent.trainer.mesh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one function per rank, each rank a thread with its own rendezvous on 127.0.0.1. */
final class LoopbackMesh {
  static final String TOKEN = "secret-token";

  interface RankBody<T> {
    T run(Rendezvous.Peers peers) throws Exception;
  }

  private LoopbackMesh() {}

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static <T> List<Future<T>> start(
      int worldSize, int port, Duration timeout, RankBody<T> body, PrintStream log) {
    ExecutorService pool = Executors.newFixedThreadPool(worldSize);
    List<Future<T>> results = new ArrayList<>();
    for (int rank = 0; rank < worldSize; rank++) {
      int r = rank;
      results.add(
          pool.submit(
              () -> {
                try (Rendezvous.Peers peers =
                    Rendezvous.connect(r, worldSize, "127.0.0.1", port, TOKEN, timeout, log)) {
                  return body.run(peers);
                }
              }));
    }
    pool.shutdown();
    return results;
  }

  static <T> List<T> run(int worldSize, RankBody<T> body) throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<T> values = new ArrayList<>();
    for (Future<T> result : start(worldSize, freePort(), Duration.ofSeconds(20), body, quiet)) {
      values.add(result.get(60, TimeUnit.SECONDS));
    }
    return values;
  }
}
