package dev.emergent.trainer.mesh;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to one peer. Sends run on the channel's own thread so that a rank can send to
 * its successor and receive from its predecessor at once (rings would deadlock on full socket
 * buffers otherwise); every receive has a timeout and names the peer when it runs out.
 */
final class Channel implements AutoCloseable {
  private final int peer;
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final ExecutorService sender;
  private final AtomicLong bytesSent = new AtomicLong();

  Channel(int peer, Socket socket, int timeoutMillis) throws IOException {
    this.peer = peer;
    this.socket = socket;
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(timeoutMillis);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "send-to-rank-" + peer);
              t.setDaemon(true);
              return t;
            });
  }

  int peer() {
    return peer;
  }

  /** Bytes queued for this peer by collectives so far, headers included. */
  long bytesSent() {
    return bytesSent.get();
  }

  /** The raw stream, for the rendezvous's address table before collectives start. */
  java.io.OutputStream outputStream() {
    return out;
  }

  /** Queues floats [offset, offset + length) for sending; the future fails if the peer is gone. */
  Future<?> send(float[] data, int offset, int length) {
    bytesSent.addAndGet(4L + 4L * length);
    float[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
    return sender.submit(
        () -> {
          ByteBuffer bytes = ByteBuffer.allocate(4 + 4 * length).order(ByteOrder.LITTLE_ENDIAN);
          bytes.putInt(length);
          bytes.asFloatBuffer().put(copy);
          out.write(bytes.array());
          out.flush();
          return null;
        });
  }

  /**
   * Receives floats into [offset, offset + length), adding them to what is there if {@code add}.
   */
  void receive(float[] data, int offset, int length, boolean add, String during) {
    try {
      int count = Integer.reverseBytes(in.readInt());
      if (count != length) {
        throw new IllegalStateException(
            "rank "
                + peer
                + " sent "
                + count
                + " values during "
                + during
                + ", expected "
                + length);
      }
      byte[] raw = new byte[4 * length];
      in.readFully(raw);
      var floats = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (int i = 0; i < length; i++) {
        float v = floats.get(i);
        data[offset + i] = add ? data[offset + i] + v : v;
      }
    } catch (SocketTimeoutException e) {
      throw new PeerLostException(
          peer,
          "rank " + peer + " did not answer within " + timeoutSeconds() + " s during " + during,
          e);
    } catch (IOException e) {
      throw new PeerLostException(
          peer, "lost rank " + peer + " during " + during + ": " + e.getMessage(), e);
    }
  }

  /** Waits for queued sends; a failed send means the peer is gone. */
  void await(Future<?> send, String during) {
    try {
      send.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PeerLostException(peer, "interrupted while sending to rank " + peer, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new PeerLostException(
          peer,
          "lost rank " + peer + " during " + during + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  private int timeoutSeconds() {
    try {
      return socket.getSoTimeout() / 1000;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket to a vanished peer can fail; there is nothing left to release.
    }
  }
}
