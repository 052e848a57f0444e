package dev.emergent.trainer.shards;

import dev.emergent.trainer.data.Seeds;

/**
 * The order in which a corpus's windows are read: epoch after epoch, each a different shuffle of
 * all windows, so that every window is read once per epoch. A shuffle is a keyed Feistel
 * permutation of the window indices (cycle-walked into range), computed per index: no table, so the
 * order of billions of windows costs no memory, and any sample's window is known at once.
 */
final class WindowOrder {
  private static final int ROUNDS = 4;
  private final long seed;
  private final long windows;
  private final int halfBits;
  private final long halfMask;

  WindowOrder(long seed, long windows) {
    this.seed = seed;
    this.windows = windows;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(windows - 1));
    this.halfBits = (bits + 1) / 2;
    this.halfMask = (1L << halfBits) - 1;
  }

  /** The window read as sample {@code sample} (counted from 0 over all epochs). */
  long window(long sample) {
    long epoch = sample / windows;
    long key = Seeds.mix(seed, epoch);
    long index = sample % windows;
    do {
      index = permute(index, key);
    } while (index >= windows);
    return index;
  }

  private long permute(long index, long key) {
    long left = index >>> halfBits;
    long right = index & halfMask;
    for (int round = 0; round < ROUNDS; round++) {
      long mixed = (left ^ Seeds.mix(key, round, right)) & halfMask;
      left = right;
      right = mixed;
    }
    return (left << halfBits) | right;
  }
}
