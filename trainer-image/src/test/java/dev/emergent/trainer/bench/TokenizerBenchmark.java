package dev.emergent.trainer.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * bench/data-pipeline's tokenizer line: the same documents encoded with the same tokenizer.json by
 * ours (a pool of THREADS threads, as emergent data prepare runs it) and by Hugging Face's
 * tokenizers (Rust, through DJL) at its fastest, batch encoding in parallel on every core; the ids
 * must agree. Each side is timed after one warm-up pass. Prints one JSON line. Usage:
 * TokenizerBenchmark TOKENIZER_JSON CORPUS_FILE THREADS
 */
public final class TokenizerBenchmark {
  private static final int BATCH = 256;

  private TokenizerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path tokenizerFile = Path.of(args[0]);
    List<String> documents = Arrays.asList(Files.readString(Path.of(args[1])).split("\n%\n"));
    int threads = Integer.parseInt(args[2]);
    long bytes = Files.size(Path.of(args[1]));
    BpeTokenizer ours = TokenizerJson.read(tokenizerFile);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long oursTokens = encodeOurs(ours, documents, pool);
    long started = System.nanoTime();
    // A fresh tokenizer: its word cache starts empty, as in a prepare; the JIT is warm.
    encodeOurs(TokenizerJson.read(tokenizerFile), documents, pool);
    double oursSeconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    try (HuggingFaceTokenizer theirs =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerFile)
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build()) {
      long theirsTokens = encodeTheirs(theirs, documents);
      started = System.nanoTime();
      encodeTheirs(theirs, documents);
      double theirsSeconds = (System.nanoTime() - started) / 1e9;
      if (theirsTokens != oursTokens) {
        throw new IllegalStateException(
            "the tokenizers disagree: " + oursTokens + " vs " + theirsTokens + " tokens");
      }
      System.out.printf(
          Locale.ROOT,
          "{\"bytes\": %d, \"tokens\": %d, \"oursMBps\": %.2f, \"theirsMBps\": %.2f}%n",
          bytes,
          oursTokens,
          bytes / 1e6 / oursSeconds,
          bytes / 1e6 / theirsSeconds);
    }
  }

  private static long encodeOurs(
      BpeTokenizer tokenizer, List<String> documents, ExecutorService pool) throws Exception {
    List<Future<Long>> parts = new ArrayList<>();
    for (int from = 0; from < documents.size(); from += BATCH) {
      List<String> batch = documents.subList(from, Math.min(documents.size(), from + BATCH));
      parts.add(
          pool.submit(
              () -> {
                long n = 0;
                for (String document : batch) {
                  n += tokenizer.encode(document).length;
                }
                return n;
              }));
    }
    long tokens = 0;
    for (Future<Long> part : parts) {
      tokens += part.get();
    }
    return tokens;
  }

  private static long encodeTheirs(HuggingFaceTokenizer tokenizer, List<String> documents) {
    long tokens = 0;
    for (int from = 0; from < documents.size(); from += BATCH) {
      for (Encoding encoding :
          tokenizer.batchEncode(
              documents.subList(from, Math.min(documents.size(), from + BATCH)))) {
        tokens += encoding.getIds().length;
      }
    }
    return tokens;
  }
}
