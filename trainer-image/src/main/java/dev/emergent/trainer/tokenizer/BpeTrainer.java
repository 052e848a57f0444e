package dev.emergent.trainer.tokenizer;

import dev.emergent.plan.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Learns byte-level BPE merges from a corpus (Sennrich et al. 2016; GPT-2's byte-level variant):
 * the corpus is pre-tokenized into words and counted once, then the most frequent adjacent pair of
 * tokens, over all words weighted by their counts, is merged into a new token, again and again
 * until the vocabulary is full or no pair occurs twice. Ties go to the pair of lower ids, so the
 * same corpus always gives the same tokenizer. Only the changed words are recounted after a merge.
 */
public final class BpeTrainer {
  /** The fewest ids a BPE vocabulary can have: the bytes, the special tokens and one merge. */
  public static final int MIN_VOCAB = Tokens.SIZE + 1;

  private final Map<String, Long> wordCounts = new HashMap<>();

  /** Counts the words of one document. */
  public void add(String text) {
    for (String piece : PreTokenizer.split(text)) {
      wordCounts.merge(piece, 1L, Long::sum);
    }
  }

  /** The distinct words counted so far. */
  public int distinctWords() {
    return wordCounts.size();
  }

  /**
   * The tokenizer with up to {@code vocabSize} ids; {@code onMerge} hears the vocabulary size after
   * each new token.
   */
  public BpeTokenizer train(int vocabSize, IntConsumer onMerge) {
    if (vocabSize < MIN_VOCAB) {
      throw new IllegalArgumentException(
          "a vocabulary of "
              + vocabSize
              + " has no room for merges: the bytes and special tokens take "
              + Tokens.SIZE
              + " ids");
    }
    Corpus corpus = new Corpus(wordCounts);
    List<String> symbols = BpeTokenizer.baseSymbols();
    Map<String, Integer> ids = new HashMap<>();
    for (int id = 0; id < symbols.size(); id++) {
      ids.put(symbols.get(id), id);
    }
    List<int[]> merges = new ArrayList<>();
    while (symbols.size() < vocabSize) {
      long best = corpus.mostFrequentPair();
      if (best == Corpus.NONE) {
        break;
      }
      int left = (int) (best >>> 32);
      int right = (int) best;
      String joined = symbols.get(left) + symbols.get(right);
      if (BpeTokenizer.SPECIALS.contains(joined)) {
        // Text that spells a special token must never encode as one.
        corpus.forbid(best);
        continue;
      }
      Integer into = ids.get(joined);
      if (into == null) {
        into = symbols.size();
        symbols.add(joined);
        ids.put(joined, into);
        onMerge.accept(symbols.size());
      }
      merges.add(new int[] {left, right});
      corpus.merge(best, into);
    }
    return new BpeTokenizer(symbols, merges);
  }

  /** The distinct words as token ids with their counts, and the counts of adjacent pairs. */
  private static final class Corpus {
    static final long NONE = -1;

    private final int[][] words;
    private final long[] counts;
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> wordsWith = new HashMap<>();
    private final Set<Long> forbidden = new HashSet<>();
    private final PriorityQueue<long[]> queue =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));

    Corpus(Map<String, Long> wordCounts) {
      words = new int[wordCounts.size()][];
      counts = new long[wordCounts.size()];
      int w = 0;
      for (var entry : wordCounts.entrySet()) {
        words[w] = BpeTokenizer.byteIds(entry.getKey());
        counts[w] = entry.getValue();
        count(w, +1);
        w++;
      }
      pairCounts.forEach((pair, count) -> queue.add(new long[] {count, pair}));
    }

    /** The pair that occurs most often, at least twice; {@link #NONE} when there is none. */
    long mostFrequentPair() {
      while (!queue.isEmpty()) {
        long[] top = queue.poll();
        long current = pairCounts.getOrDefault(top[1], 0L);
        if (current == top[0] && !forbidden.contains(top[1])) {
          return current >= 2 ? top[1] : NONE;
        }
      }
      return NONE;
    }

    void forbid(long pair) {
      forbidden.add(pair);
    }

    /** Replaces every occurrence of {@code pair} by {@code into} and recounts those words. */
    void merge(long pair, int into) {
      Set<Integer> changed = wordsWith.remove(pair);
      if (changed == null) {
        return;
      }
      Set<Long> touched = new HashSet<>();
      for (int w : changed) {
        touched.addAll(pairsOf(words[w]));
        count(w, -1);
        words[w] = replaced(words[w], pair, into);
        count(w, +1);
        touched.addAll(pairsOf(words[w]));
      }
      for (long p : touched) {
        long count = pairCounts.getOrDefault(p, 0L);
        if (count > 0) {
          queue.add(new long[] {count, p});
        }
      }
    }

    private void count(int w, int sign) {
      int[] ids = words[w];
      for (int i = 0; i + 1 < ids.length; i++) {
        long p = BpeTokenizer.pair(ids[i], ids[i + 1]);
        long count = pairCounts.getOrDefault(p, 0L) + sign * counts[w];
        if (count == 0) {
          pairCounts.remove(p);
        } else {
          pairCounts.put(p, count);
        }
        if (sign > 0) {
          wordsWith.computeIfAbsent(p, k -> new HashSet<>()).add(w);
        }
      }
    }

    private static Set<Long> pairsOf(int[] ids) {
      Set<Long> pairs = new HashSet<>();
      for (int i = 0; i + 1 < ids.length; i++) {
        pairs.add(BpeTokenizer.pair(ids[i], ids[i + 1]));
      }
      return pairs;
    }

    private static int[] replaced(int[] ids, long pair, int into) {
      int[] out = ids.clone();
      return Arrays.copyOf(out, BpeTokenizer.merge(out, out.length, pair, into));
    }
  }
}
