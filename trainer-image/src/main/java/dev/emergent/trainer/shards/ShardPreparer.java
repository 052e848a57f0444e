package dev.emergent.trainer.shards;

import dev.emergent.plan.Tokens;
import dev.emergent.trainer.data.CorpusFiles;
import dev.emergent.trainer.data.Seeds;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Tokenizes a corpus into shards: documents are read in order, tokenized in batches by a pool of
 * threads, and written in their original order by one writer, with at most a few batches per thread
 * in flight, so memory stays bounded whatever the corpus size. Each document is {@code BEGIN tokens
 * END} and goes whole to the train or the validation split, by a hash of its ordinal.
 */
public final class ShardPreparer {
  /** Characters of text per tokenization task. */
  private static final int BATCH_CHARS = 1 << 18;

  private static final long SPLIT_SEED = 0x5EED_5B11L;

  /** {@code tokenizerSource}: the tokenizer's file name, or {@code bytes}. */
  public record Options(
      Path output,
      String tokenizerSource,
      long shardTokens,
      double validationFraction,
      int threads) {}

  private record Piece(String text, boolean first, boolean last, boolean validation) {}

  private record Encoded(int[] ids, long textBytes, boolean last, boolean validation) {}

  /** Ends the writer's queue. */
  private static final List<Encoded> END = List.of();

  private final BpeTokenizer tokenizer;
  private final Options options;

  public ShardPreparer(BpeTokenizer tokenizer, Options options) {
    this.tokenizer = tokenizer;
    this.options = options;
  }

  /** Writes the shards and the manifest; {@code progress} hears the input bytes read so far. */
  public ShardManifest prepare(CorpusFiles corpus, LongConsumer progress) throws IOException {
    Path dir = options.output();
    Files.createDirectories(dir);
    removePreviousOutput(dir);
    String dtype = ShardManifest.dtypeFor(tokenizer.vocabSize());
    int tokenBytes = ShardManifest.tokenBytes(dtype);
    ExecutorService pool = Executors.newFixedThreadPool(options.threads() + 1);
    try (ShardWriter train =
            new ShardWriter(dir, ShardManifest.TRAIN, options.shardTokens(), tokenBytes);
        ShardWriter validation =
            new ShardWriter(dir, ShardManifest.VALIDATION, options.shardTokens(), tokenBytes)) {
      BlockingQueue<Future<List<Encoded>>> inOrder =
          new ArrayBlockingQueue<>(4 * options.threads());
      Future<?> writer = pool.submit(() -> drain(inOrder, train, validation));
      Batches batches = new Batches(pool, inOrder, writer, corpus, progress);
      corpus.read(batches);
      batches.submit();
      batches.put(CompletableFuture.completedFuture(END));
      await(writer);
      train.close();
      validation.close();
      ShardManifest manifest =
          new ShardManifest(
              ShardManifest.FORMAT,
              new ShardManifest.Tokenizer(
                  options.tokenizerSource(), tokenizer.sha256(), tokenizer.vocabSize()),
              dtype,
              options.shardTokens(),
              options.validationFraction(),
              Map.of(
                  ShardManifest.TRAIN, train.split(),
                  ShardManifest.VALIDATION, validation.split()),
              corpus.badRecords(),
              corpus.files().stream().map(Path::toString).toList());
      manifest.write(dir);
      return manifest;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Shards and a manifest of an earlier prepare in the same folder would mix with these. */
  private static void removePreviousOutput(Path dir) throws IOException {
    try (DirectoryStream<Path> old =
        Files.newDirectoryStream(dir, "{train-*.bin,validation-*.bin,manifest.json}")) {
      for (Path file : old) {
        Files.delete(file);
      }
    }
  }

  /**
   * Groups the pieces read into batches for the pool, deciding each document's split at its first
   * piece, and queues their results in reading order for the writer.
   */
  private final class Batches implements Consumer<CorpusFiles.Piece> {
    private final ExecutorService pool;
    private final BlockingQueue<Future<List<Encoded>>> inOrder;
    private final Future<?> writer;
    private final CorpusFiles corpus;
    private final LongConsumer progress;
    private final List<Piece> batch = new ArrayList<>();
    private long characters;
    private long documents;
    private boolean documentBegins = true;
    private boolean validation;

    Batches(
        ExecutorService pool,
        BlockingQueue<Future<List<Encoded>>> inOrder,
        Future<?> writer,
        CorpusFiles corpus,
        LongConsumer progress) {
      this.pool = pool;
      this.inOrder = inOrder;
      this.writer = writer;
      this.corpus = corpus;
      this.progress = progress;
    }

    @Override
    public void accept(CorpusFiles.Piece piece) {
      boolean first = documentBegins;
      if (first) {
        validation =
            (Seeds.mix(SPLIT_SEED, documents++) >>> 11) * 0x1.0p-53 < options.validationFraction();
      }
      documentBegins = piece.last();
      batch.add(new Piece(piece.text(), first, piece.last(), validation));
      characters += piece.text().length();
      if (characters >= BATCH_CHARS) {
        submit();
      }
      progress.accept(corpus.bytesRead());
    }

    void submit() {
      if (batch.isEmpty()) {
        return;
      }
      List<Piece> pieces = List.copyOf(batch);
      batch.clear();
      characters = 0;
      put(pool.submit(() -> pieces.stream().map(ShardPreparer.this::encode).toList()));
    }

    /** Queues a result; a writer that failed ends the prepare instead of blocking it forever. */
    void put(Future<List<Encoded>> result) {
      try {
        while (!inOrder.offer(result, 100, TimeUnit.MILLISECONDS)) {
          if (writer.isDone()) {
            await(writer);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  private Encoded encode(Piece piece) {
    int[] text = tokenizer.encode(piece.text());
    int head = piece.first() ? 1 : 0;
    int[] ids = new int[head + text.length + (piece.last() ? 1 : 0)];
    if (piece.first()) {
      ids[0] = Tokens.BEGIN;
    }
    System.arraycopy(text, 0, ids, head, text.length);
    if (piece.last()) {
      ids[ids.length - 1] = Tokens.END;
    }
    long textBytes = piece.text().getBytes(StandardCharsets.UTF_8).length;
    return new Encoded(ids, textBytes, piece.last(), piece.validation());
  }

  /** The writer: takes the batches in reading order until {@link #END}. */
  private static Void drain(
      BlockingQueue<Future<List<Encoded>>> inOrder, ShardWriter train, ShardWriter validation)
      throws Exception {
    while (true) {
      List<Encoded> next = inOrder.take().get();
      if (next == END) {
        return null;
      }
      for (Encoded e : next) {
        (e.validation() ? validation : train).write(e.ids(), e.textBytes(), e.last());
      }
    }
  }

  private static void await(Future<?> writer) {
    try {
      writer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException("writing shards failed", e.getCause());
    }
  }
}
