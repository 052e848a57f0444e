package dev.emergent.trainer.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Collectives among 1–8 loopback ranks, with lengths that do not divide by the group size. */
class CollectivesTest {

  private static ProcessGroup world(Rendezvous.Peers peers) {
    return new ProcessGroup(IntStream.range(0, peers.worldSize()).boxed().toList(), peers);
  }

  /** What each of four ranks' collective gave, once every rank has finished it. */
  private static List<float[]> onFourRanks(LoopbackMesh.RankBody<float[]> collective)
      throws Exception {
    return LoopbackMesh.run(
        4,
        peers -> {
          float[] result = collective.run(peers);
          world(peers).barrier();
          return result;
        });
  }

  private static float[] values(int rank, int length) {
    float[] data = new float[length];
    for (int i = 0; i < length; i++) {
      data[i] = rank * 1000 + i * 0.5f;
    }
    return data;
  }

  @ParameterizedTest(name = "{0} ranks, {1} values")
  @CsvSource({"1, 10", "2, 7", "3, 1001", "4, 3", "5, 10007", "7, 64", "8, 1"})
  void allReduceSumsEveryRanksData(int ranks, int length) throws Exception {
    List<float[]> results =
        LoopbackMesh.run(
            ranks,
            peers -> {
              float[] data = values(peers.rank(), length);
              world(peers).allReduceSum(data);
              return data;
            });

    for (float[] result : results) {
      for (int i = 0; i < length; i++) {
        double expected = 0;
        for (int r = 0; r < ranks; r++) {
          expected += r * 1000 + i * 0.5;
        }
        assertThat((double) result[i])
            .isCloseTo(expected, within(1e-3 * Math.max(1, Math.abs(expected))));
      }
    }
  }

  @Test
  void allReduceMeanDividesBySize() throws Exception {
    List<float[]> results =
        LoopbackMesh.run(
            3,
            peers -> {
              float[] data = {peers.rank() * 3f, 1f};
              world(peers).allReduceMean(data);
              return data;
            });

    assertThat(results).allSatisfy(data -> assertThat(data).containsExactly(3f, 1f));
  }

  @ParameterizedTest(name = "{0} ranks")
  @ValueSource(ints = {1, 2, 3, 6})
  void reduceScatterGivesEachRankItsChunkOfTheSum(int ranks) throws Exception {
    int length = 23;
    List<float[]> chunks =
        LoopbackMesh.run(
            ranks, peers -> world(peers).reduceScatterSum(values(peers.rank(), length)));

    float[] joined = new float[length];
    int at = 0;
    for (float[] chunk : chunks) {
      System.arraycopy(chunk, 0, joined, at, chunk.length);
      at += chunk.length;
    }
    assertThat(at).isEqualTo(length);
    for (int i = 0; i < length; i++) {
      double expected = 0;
      for (int r = 0; r < ranks; r++) {
        expected += r * 1000 + i * 0.5;
      }
      assertThat((double) joined[i]).isCloseTo(expected, within(1e-2));
    }
  }

  @ParameterizedTest(name = "{0} ranks")
  @ValueSource(ints = {2, 3, 5})
  void allGatherConcatenatesInRankOrder(int ranks) throws Exception {
    List<float[]> results =
        LoopbackMesh.run(
            ranks, peers -> world(peers).allGather(new float[] {peers.rank(), -peers.rank()}));

    for (float[] result : results) {
      for (int r = 0; r < ranks; r++) {
        assertThat(result[2 * r]).isEqualTo(r);
        assertThat(result[2 * r + 1]).isEqualTo(-r);
      }
    }
  }

  @ParameterizedTest(name = "root {0} of 4")
  @ValueSource(ints = {0, 1, 3})
  void gatherConcatenatesInRankOrderOnTheRootOnly(int root) throws Exception {
    List<float[]> results =
        onFourRanks(
            peers -> world(peers).gather(new float[] {peers.rank(), 10 + peers.rank()}, root));

    for (int r = 0; r < 4; r++) {
      if (r == root) {
        assertThat(results.get(r)).containsExactly(0, 10, 1, 11, 2, 12, 3, 13);
      } else {
        assertThat(results.get(r)).isNull();
      }
    }
  }

  @ParameterizedTest(name = "root {0} of 4")
  @ValueSource(ints = {0, 2, 3})
  void broadcastCopiesTheRootsData(int root) throws Exception {
    List<float[]> results =
        onFourRanks(
            peers -> {
              float[] data = peers.rank() == root ? new float[] {7, 8, 9} : new float[3];
              world(peers).broadcast(data, root);
              return data;
            });

    assertThat(results).allSatisfy(data -> assertThat(data).containsExactly(7, 8, 9));
  }

  @Test
  void groupsAlongAnAxisReduceOnlyAmongThemselves() throws Exception {
    List<float[]> results =
        LoopbackMesh.run(
            4,
            peers -> {
              List<Integer> column = peers.rank() % 2 == 0 ? List.of(0, 2) : List.of(1, 3);
              float[] data = {peers.rank()};
              new ProcessGroup(column, peers).allReduceSum(data);
              return data;
            });

    assertThat(results).extracting(d -> d[0]).containsExactly(2f, 4f, 2f, 4f);
  }

  @Test
  void aPeerWithoutTheTokenIsRefusedAndGetsNothing() throws Exception {
    int port = LoopbackMesh.freePort();
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<float[]> coordinator = pool.submit(() -> rank(0, port, log));
    int read;
    try (Socket rogue = dial(port)) {
      DataOutputStream out = new DataOutputStream(rogue.getOutputStream());
      out.writeInt(0x454D4731);
      out.writeUTF("guess");
      out.writeInt(1);
      out.flush();
      rogue.setSoTimeout(5000);
      read = rogue.getInputStream().read();
    }
    Future<float[]> honest = pool.submit(() -> rank(1, port, log));

    assertThat(read).isEqualTo(-1);
    assertThat(coordinator.get(30, TimeUnit.SECONDS)).containsExactly(3f);
    assertThat(honest.get(30, TimeUnit.SECONDS)).containsExactly(3f);
    assertThat(logged.toString(StandardCharsets.UTF_8)).contains("wrong run token");
    pool.shutdown();
  }

  private static float[] rank(int rank, int port, PrintStream log) throws Exception {
    try (Rendezvous.Peers peers =
        Rendezvous.connect(
            rank, 2, "127.0.0.1", port, LoopbackMesh.TOKEN, Duration.ofSeconds(20), log)) {
      float[] data = {rank + 1};
      world(peers).allReduceSum(data);
      return data;
    }
  }

  private static Socket dial(int port) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      try {
        return new Socket("127.0.0.1", port);
      } catch (java.io.IOException e) {
        if (attempt > 100) {
          throw new AssertionError("the coordinator never listened", e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void whenAPeerDiesTheOthersStopNamingAPeer() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<Future<String>> ranks =
        LoopbackMesh.start(
            3,
            LoopbackMesh.freePort(),
            Duration.ofSeconds(3),
            peers -> {
              if (peers.rank() == 2) {
                return "left";
              }
              try {
                world(peers).allReduceSum(new float[100]);
                return "finished";
              } catch (PeerLostException e) {
                return e.getMessage();
              }
            },
            quiet);

    long start = System.nanoTime();
    assertThat(ranks.get(2).get(30, TimeUnit.SECONDS)).isEqualTo("left");
    for (int rank = 0; rank < 2; rank++) {
      try {
        assertThat(ranks.get(rank).get(30, TimeUnit.SECONDS))
            .matches("(lost rank \\d|rank \\d did not answer).*all-reduce.*");
      } catch (ExecutionException e) {
        throw new AssertionError(e.getCause());
      }
    }
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
  }
}
