package dev.emergent.trainer.mesh;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

/**
 * Connects the ranks of a stage: every rank dials rank 0 (the coordinator) and proves the run
 * token; rank 0 answers with every rank's address; then each pair of ranks connects once, the
 * higher rank dialling the lower and proving the token again. A peer without the token is refused
 * and logged, and never gets a byte. The result is one channel to every other rank.
 */
public final class Rendezvous {
  private static final int MAGIC = 0x454D4731; // "EMG1"

  private Rendezvous() {}

  /** Connections of one rank to all the others. */
  public record Peers(int rank, int worldSize, Channel[] channels) implements AutoCloseable {
    /** Bytes this rank has sent to all its peers through collectives. */
    public long bytesSent() {
      long total = 0;
      for (Channel channel : channels) {
        if (channel != null) {
          total += channel.bytesSent();
        }
      }
      return total;
    }

    @Override
    public void close() {
      for (Channel channel : channels) {
        if (channel != null) {
          channel.close();
        }
      }
    }
  }

  /** A world of one rank: no peers to connect. */
  public static Peers alone() {
    return new Peers(0, 1, new Channel[1]);
  }

  public static Peers connect(
      int rank,
      int worldSize,
      String coordinatorHost,
      int coordinatorPort,
      String token,
      Duration timeout,
      PrintStream log)
      throws IOException {
    Channel[] channels = new Channel[worldSize];
    if (worldSize == 1) {
      return new Peers(rank, worldSize, channels);
    }
    Instant deadline = Instant.now().plus(timeout);
    int millis = (int) timeout.toMillis();
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(rank == 0 ? coordinatorPort : 0));
      String[] hosts = new String[worldSize];
      int[] ports = new int[worldSize];
      if (rank == 0) {
        while (remaining(channels, 0) > 0) {
          Socket socket =
              accept(
                  listener,
                  deadline,
                  "rank 0 waits for " + remaining(channels, 0) + " ranks to join");
          int peer = admit(socket, token, worldSize, channels, log);
          if (peer < 0) {
            continue;
          }
          hosts[peer] = socket.getInetAddress().getHostAddress();
          ports[peer] = new DataInputStream(socket.getInputStream()).readInt();
          channels[peer] = new Channel(peer, socket, millis);
        }
        for (int peer = 1; peer < worldSize; peer++) {
          DataOutputStream out = new DataOutputStream(channels[peer].outputStream());
          for (int r = 0; r < worldSize; r++) {
            out.writeUTF(r == 0 ? "" : hosts[r]);
            out.writeInt(ports[r]);
          }
          out.flush();
        }
      } else {
        Socket socket = dial(coordinatorHost, coordinatorPort, deadline, 0);
        hello(socket, token, rank);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(listener.getLocalPort());
        out.flush();
        socket.setSoTimeout(millis);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        for (int r = 0; r < worldSize; r++) {
          hosts[r] = in.readUTF();
          ports[r] = in.readInt();
        }
        channels[0] = new Channel(0, socket, millis);
        for (int lower = 1; lower < rank; lower++) {
          Socket peer = dial(hosts[lower], ports[lower], deadline, lower);
          hello(peer, token, rank);
          channels[lower] = new Channel(lower, peer, millis);
        }
        while (remaining(channels, rank) > 0) {
          Socket accepted = accept(listener, deadline, "rank " + rank + " waits for higher ranks");
          int peer = admit(accepted, token, worldSize, channels, log);
          if (peer >= 0) {
            channels[peer] = new Channel(peer, accepted, millis);
          }
        }
      }
    }
    return new Peers(rank, worldSize, channels);
  }

  /** Ranks above {@code rank} that have not connected to it yet (for rank 0: all others). */
  private static int remaining(Channel[] channels, int rank) {
    int missing = 0;
    for (int r = rank + 1; r < channels.length; r++) {
      missing += channels[r] == null ? 1 : 0;
    }
    return missing;
  }

  private static void hello(Socket socket, String token, int rank) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(MAGIC);
    out.writeUTF(token);
    out.writeInt(rank);
    out.flush();
  }

  /** Reads a hello; returns the peer's rank, or −1 after refusing and closing the connection. */
  private static int admit(
      Socket socket, String token, int worldSize, Channel[] channels, PrintStream log)
      throws IOException {
    String from = socket.getRemoteSocketAddress().toString();
    try {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int magic = in.readInt();
      String offered = in.readUTF();
      int peer = in.readInt();
      if (magic != MAGIC
          || !MessageDigest.isEqual(
              offered.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        log.println("refused a connection from " + from + ": wrong run token");
        socket.close();
        return -1;
      }
      if (peer <= 0 || peer >= worldSize || channels[peer] != null) {
        log.println("refused a connection from " + from + ": rank " + peer + " is not expected");
        socket.close();
        return -1;
      }
      return peer;
    } catch (IOException e) {
      log.println("refused a connection from " + from + ": " + e.getMessage());
      socket.close();
      return -1;
    }
  }

  private static Socket accept(ServerSocket listener, Instant deadline, String waiting)
      throws IOException {
    long left = Duration.between(Instant.now(), deadline).toMillis();
    if (left <= 0) {
      throw new PeerLostException(-1, "rendezvous timed out: " + waiting, null);
    }
    listener.setSoTimeout((int) left);
    try {
      Socket socket = listener.accept();
      socket.setSoTimeout((int) Math.max(1, left));
      return socket;
    } catch (SocketTimeoutException e) {
      throw new PeerLostException(-1, "rendezvous timed out: " + waiting, e);
    }
  }

  /** Dials until the peer listens or the deadline passes (peers start in any order). */
  private static Socket dial(String host, int port, Instant deadline, int peer) throws IOException {
    while (true) {
      try {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 1000);
        return socket;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw new PeerLostException(
              peer, "could not reach rank " + peer + " at " + host + ":" + port, e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new PeerLostException(peer, "interrupted while dialling rank " + peer, interrupted);
        }
      }
    }
  }
}
