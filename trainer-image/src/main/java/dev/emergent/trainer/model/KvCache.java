package dev.emergent.trainer.model;

/**
 * Keys and values of every layer for the positions decoded so far, for a batch of sequences that
 * advance together one position at a time ({@link Gpt#decode}).
 */
public final class KvCache {
  private final Layer[] layers;

  KvCache(int layerCount, int batch, int positions, int width) {
    layers = new Layer[layerCount];
    for (int l = 0; l < layerCount; l++) {
      layers[l] = new Layer(batch, positions, width);
    }
  }

  Layer layer(int index) {
    return layers[index];
  }

  /** One layer's keys and values [B, positions, H·hd] for this rank's heads. */
  static final class Layer {
    final int positions;
    final int width;
    final float[] keys;
    final float[] values;

    private Layer(int batch, int positions, int width) {
      this.positions = positions;
      this.width = width;
      keys = new float[batch * positions * width];
      values = new float[batch * positions * width];
    }

    /** Where sequence b's entry for a position starts in {@link #keys} and {@link #values}. */
    int at(int b, int position) {
      if (position >= positions) {
        throw new IllegalArgumentException(
            "position " + position + " is past the cache's " + positions + " positions");
      }
      return (b * positions + position) * width;
    }
  }
}
