package dev.emergent.trainer.tokenizer;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.io.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-level BPE vocabulary: ids 0–255 are the bytes, {@link Tokens#BEGIN}…{@link Tokens#PADDING}
 * the special tokens (the ids the byte vocabulary gives them too, so prompt formats do not depend
 * on the vocabulary), and every id above them the merge of two earlier tokens, in the order they
 * were learned. Encoding pre-tokenizes as GPT-2 does, then applies the lowest-ranked merge of each
 * word until none applies, which is what {@code tokenizer.json} readers do with the same merges.
 * Text is never read as special tokens: only code inserts them.
 */
public final class BpeTokenizer {
  /** The special tokens' names, from {@link Tokens#BEGIN} on. */
  public static final List<String> SPECIALS =
      List.of("<|begin|>", "<|end|>", "<|prompt|>", "<|response|>", "<|pad|>");

  private static final int WORD_CACHE_LIMIT = 1 << 16;

  private final List<String> symbols;
  private final List<int[]> merges;
  private final Map<Long, Integer> rank = new HashMap<>();
  private final Map<Long, Integer> mergedInto = new HashMap<>();
  private final Map<String, int[]> words = new ConcurrentHashMap<>();
  private final String sha256;

  /**
   * {@code symbols}: each id's byte-level string (the special tokens' names at theirs); {@code
   * merges}: the pairs of ids merged, in rank order, each into the id of its concatenation.
   */
  BpeTokenizer(List<String> symbols, List<int[]> merges) {
    this.symbols = List.copyOf(symbols);
    this.merges = List.copyOf(merges);
    Map<String, Integer> ids = new HashMap<>();
    for (int id = 0; id < symbols.size(); id++) {
      ids.putIfAbsent(symbols.get(id), id);
    }
    for (int r = 0; r < merges.size(); r++) {
      int[] pair = merges.get(r);
      long key = pair(pair[0], pair[1]);
      rank.putIfAbsent(key, r);
      mergedInto.put(key, ids.get(symbols.get(pair[0]) + symbols.get(pair[1])));
    }
    this.sha256 = digest();
  }

  /** The byte vocabulary as a BPE without merges. */
  public static BpeTokenizer bytes() {
    return new BpeTokenizer(baseSymbols(), List.of());
  }

  /** The 256 byte symbols followed by the special tokens' names. */
  static List<String> baseSymbols() {
    List<String> symbols = new ArrayList<>(Tokens.SIZE);
    for (int b = 0; b < Tokens.BYTES; b++) {
      symbols.add(String.valueOf(ByteLevel.of(b)));
    }
    symbols.addAll(SPECIALS);
    return symbols;
  }

  static long pair(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  /** Whether this is the byte vocabulary: no merges. */
  public boolean isBytes() {
    return merges.isEmpty();
  }

  public int vocabSize() {
    return symbols.size();
  }

  List<String> symbols() {
    return symbols;
  }

  List<int[]> merges() {
    return merges;
  }

  /** Identifies the vocabulary and its merges: checkpoints and shards record it. */
  public String sha256() {
    return sha256;
  }

  public int[] encode(String text) {
    List<String> pieces = PreTokenizer.split(text);
    int[][] encoded = new int[pieces.size()][];
    int length = 0;
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = word(pieces.get(i));
      length += encoded[i].length;
    }
    int[] ids = new int[length];
    int at = 0;
    for (int[] word : encoded) {
      System.arraycopy(word, 0, ids, at, word.length);
      at += word.length;
    }
    return ids;
  }

  private int[] word(String piece) {
    int[] cached = words.get(piece);
    if (cached != null) {
      return cached;
    }
    int[] merged = applyMerges(byteIds(piece));
    if (words.size() >= WORD_CACHE_LIMIT) {
      words.clear();
    }
    words.put(piece, merged);
    return merged;
  }

  /** Merges the lowest-ranked adjacent pair everywhere in the word, until no pair has a rank. */
  private int[] applyMerges(int[] ids) {
    int length = ids.length;
    while (length > 1) {
      int best = Integer.MAX_VALUE;
      long bestPair = 0;
      for (int i = 0; i + 1 < length; i++) {
        Integer r = rank.get(pair(ids[i], ids[i + 1]));
        if (r != null && r < best) {
          best = r;
          bestPair = pair(ids[i], ids[i + 1]);
        }
      }
      if (best == Integer.MAX_VALUE) {
        break;
      }
      length = merge(ids, length, bestPair, mergedInto.get(bestPair));
    }
    return Arrays.copyOf(ids, length);
  }

  /** The ids of a text's UTF-8 bytes: before any merge, a token per byte. */
  static int[] byteIds(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xff;
    }
    return ids;
  }

  /**
   * Replaces each occurrence of {@code pair} in {@code ids[0, length)}, left to right, by {@code
   * into}, in place; returns the new length.
   */
  static int merge(int[] ids, int length, long pair, int into) {
    int kept = 0;
    for (int i = 0; i < length; i++) {
      if (i + 1 < length && pair(ids[i], ids[i + 1]) == pair) {
        ids[kept++] = into;
        i++;
      } else {
        ids[kept++] = ids[i];
      }
    }
    return kept;
  }

  /** Text of the tokens; special tokens end the text at {@link Tokens#END}, else vanish. */
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id == Tokens.END) {
        break;
      }
      if ((id < Tokens.BYTES || id >= Tokens.SIZE) && id < symbols.size()) {
        ByteLevel.decode(symbols.get(id), bytes);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private String digest() {
    MessageDigest sha = Sha256.digest();
    for (String symbol : symbols) {
      sha.update(symbol.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    for (int[] merge : merges) {
      sha.update((merge[0] + " " + merge[1] + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return Sha256.hex(sha);
  }
}
