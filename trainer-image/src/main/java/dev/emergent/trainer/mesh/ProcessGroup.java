package dev.emergent.trainer.mesh;

import java.util.List;
import java.util.concurrent.Future;

/**
 * Collectives among some ranks (one mesh axis, or all): ring algorithms that move each value
 * between neighbours only, so every rank sends about 2·(n−1)/n of the data whatever n is. Lengths
 * need not divide by the group size; chunk i covers [start(i), start(i+1)).
 */
public final class ProcessGroup {
  private final List<Integer> ranks; // global ranks, in group order
  private final int me; // my index in ranks
  private final Rendezvous.Peers peers;

  public ProcessGroup(List<Integer> ranks, Rendezvous.Peers peers) {
    this.ranks = List.copyOf(ranks);
    this.me = ranks.indexOf(peers.rank());
    if (me < 0) {
      throw new IllegalArgumentException("rank " + peers.rank() + " is not in group " + ranks);
    }
    this.peers = peers;
  }

  public int size() {
    return ranks.size();
  }

  /** This rank's position in the group. */
  public int index() {
    return me;
  }

  /** Sums data over the group in place: reduce-scatter, then all-gather. */
  public void allReduceSum(float[] data) {
    int n = size();
    if (n == 1) {
      return;
    }
    ringReduceScatter(data, "all-reduce");
    ringAllGather(data, "all-reduce");
  }

  /** Sums over the group and divides by its size. */
  public void allReduceMean(float[] data) {
    allReduceSum(data);
    float scale = 1f / size();
    for (int i = 0; i < data.length; i++) {
      data[i] *= scale;
    }
  }

  /**
   * Sums over the group; returns this rank's chunk of the sum, [start(index), start(index + 1)).
   */
  public float[] reduceScatterSum(float[] data) {
    float[] work = data.clone();
    if (size() > 1) {
      ringReduceScatter(work, "reduce-scatter");
    }
    return java.util.Arrays.copyOfRange(work, start(work.length, me), start(work.length, me + 1));
  }

  /** Concatenates every rank's equally long part, in group order. */
  public float[] allGather(float[] part) {
    int n = size();
    float[] all = new float[part.length * n];
    System.arraycopy(part, 0, all, me * part.length, part.length);
    if (n > 1) {
      ringAllGather(all, "all-gather");
    }
    return all;
  }

  /**
   * Every rank's equally long part, concatenated in group order, on the root only (null on the
   * others): each part goes straight to the root, so no other rank ever holds the whole.
   */
  public float[] gather(float[] part, int rootIndex) {
    if (me != rootIndex) {
      Channel root = channel(rootIndex);
      root.await(root.send(part, 0, part.length), "gather");
      return null;
    }
    float[] all = new float[part.length * size()];
    System.arraycopy(part, 0, all, me * part.length, part.length);
    for (int r = 0; r < size(); r++) {
      if (r != me) {
        channel(r).receive(all, r * part.length, part.length, false, "gather");
      }
    }
    return all;
  }

  /** Copies the root's data to every rank of the group, along the ring. */
  public void broadcast(float[] data, int rootIndex) {
    int n = size();
    if (n == 1) {
      return;
    }
    int position = (me - rootIndex + n) % n;
    if (position > 0) {
      channel((me - 1 + n) % n).receive(data, 0, data.length, false, "broadcast");
    }
    if (position < n - 1) {
      Channel next = channel((me + 1) % n);
      next.await(next.send(data, 0, data.length), "broadcast");
    }
  }

  /** Returns once every rank of the group has called it. */
  public void barrier() {
    allReduceSum(new float[size()]);
  }

  /** After n−1 steps, chunk {@code index} of data holds the group's sum. */
  private void ringReduceScatter(float[] data, String during) {
    ring(data, 1, true, during);
  }

  /** Starting from its own complete chunk, every rank collects all the others. */
  private void ringAllGather(float[] data, String during) {
    ring(data, 0, false, during);
  }

  /**
   * n−1 steps of sending chunk (index − step − shift) to the next rank while receiving chunk (index
   * − step − shift − 1) from the previous one, added or copied.
   */
  private void ring(float[] data, int shift, boolean add, String during) {
    int n = size();
    Channel next = channel((me + 1) % n);
    Channel previous = channel((me - 1 + n) % n);
    for (int step = 0; step < n - 1; step++) {
      int sendChunk = Math.floorMod(me - step - shift, n);
      int receiveChunk = Math.floorMod(me - step - shift - 1, n);
      int sendStart = start(data.length, sendChunk);
      int receiveStart = start(data.length, receiveChunk);
      Future<?> sent = next.send(data, sendStart, start(data.length, sendChunk + 1) - sendStart);
      previous.receive(
          data, receiveStart, start(data.length, receiveChunk + 1) - receiveStart, add, during);
      next.await(sent, during);
    }
  }

  /** First element of chunk i of a length split into size() nearly equal chunks. */
  private int start(int length, int chunk) {
    int n = size();
    return (int) ((long) length * chunk / n);
  }

  private Channel channel(int index) {
    return peers.channels()[ranks.get(index)];
  }
}
