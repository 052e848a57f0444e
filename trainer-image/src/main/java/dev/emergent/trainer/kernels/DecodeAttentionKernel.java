package dev.emergent.trainer.kernels;

/**
 * Attention of one new position per sequence over its cached keys and values, for decoding: for
 * each sequence b and head h, softmax over t ≤ position of q·k_t/√hd, then Σ_t p_t·v_t. The queries
 * come packed with this position's keys and values [B, 3·W] (W = heads·hd), the cache is [B,
 * positions, W] per keys and values, the output [B, W].
 */
public final class DecodeAttentionKernel {
  /** Where the arrays are and how they are laid out. */
  public record Shape(int rows, int heads, int headDim, int cachePositions, int position) {
    int width() {
      return heads * headDim;
    }
  }

  private DecodeAttentionKernel() {}

  public static void attend(
      Shape shape, float[] packed, float[] keys, float[] values, float[] out) {
    if (Vectorized.AVAILABLE) {
      DecodeAttentionVector.attend(shape, packed, keys, values, out);
    } else {
      attendScalar(shape, packed, keys, values, out);
    }
  }

  static void attendScalar(Shape shape, float[] packed, float[] keys, float[] values, float[] out) {
    int hd = shape.headDim();
    int width = shape.width();
    double scale = 1 / Math.sqrt(hd);
    double[] weights = new double[shape.position() + 1];
    for (int b = 0; b < shape.rows(); b++) {
      for (int h = 0; h < shape.heads(); h++) {
        int query = b * 3 * width + h * hd;
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t <= shape.position(); t++) {
          int key = (b * shape.cachePositions() + t) * width + h * hd;
          double dot = 0;
          for (int j = 0; j < hd; j++) {
            dot += packed[query + j] * keys[key + j];
          }
          weights[t] = dot * scale;
          max = Math.max(max, weights[t]);
        }
        double sum = 0;
        for (int t = 0; t <= shape.position(); t++) {
          weights[t] = Math.exp(weights[t] - max);
          sum += weights[t];
        }
        int target = b * width + h * hd;
        java.util.Arrays.fill(out, target, target + hd, 0f);
        for (int t = 0; t <= shape.position(); t++) {
          int value = (b * shape.cachePositions() + t) * width + h * hd;
          double weight = weights[t] / sum;
          for (int j = 0; j < hd; j++) {
            out[target + j] += (float) (weight * values[value + j]);
          }
        }
      }
    }
  }
}
