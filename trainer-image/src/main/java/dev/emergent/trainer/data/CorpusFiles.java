package dev.emergent.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The documents of a corpus given as files and directories, read as a stream in bounded memory. A
 * directory stands for the regular files below it (sorted, symbolic links and hidden files skipped,
 * as are binary files); a {@code .jsonl} file holds one document per record (its {@code text}, or
 * the strings of the post-training fields); any other file is plain text, one document per file, or
 * per part between lines equal to {@code delimiter} (a fortune file's {@code %}). A document longer
 * than {@link #PIECE_CHARS} comes in pieces cut at line ends.
 */
public final class CorpusFiles {
  /** Characters held at most before a long document is passed on in pieces. */
  public static final int PIECE_CHARS = 1 << 20;

  private static final List<String> POST_TRAINING_FIELDS =
      List.of("prompt", "completion", "chosen", "rejected");

  /** Part of a document; {@code last} ends it. {@code where} names its file and first line. */
  public record Piece(String text, String where, boolean last) {}

  private final List<Path> files;
  private final String delimiter;
  private final boolean strict;
  private final Consumer<String> onBadRecord;
  private final AtomicLong bytesRead = new AtomicLong();
  private long badRecords;

  /**
   * {@code strict}: a bad record is refused (a {@link BadInputException}); else it is reported to
   * {@code onBadRecord} as "file:line: why" and skipped.
   */
  public CorpusFiles(
      List<Path> inputs, String delimiter, boolean strict, Consumer<String> onBadRecord)
      throws IOException {
    this.files = expand(inputs);
    this.delimiter = delimiter;
    this.strict = strict;
    this.onBadRecord = onBadRecord;
    if (files.isEmpty()) {
      throw new BadInputException("no text files in " + inputs);
    }
  }

  private static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> below = Files.walk(input)) {
          below
              .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .forEach(files::add);
        }
      } else if (Files.isRegularFile(input)) {
        files.add(input);
      } else {
        throw new BadInputException(input + ": no such file or directory");
      }
    }
    List<Path> text = new ArrayList<>();
    for (Path file : files) {
      if (!binary(file)) {
        text.add(file);
      }
    }
    return text;
  }

  /** A file with a NUL byte near its start (an index, an image) is not text. */
  private static boolean binary(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(8192);
      for (byte b : head) {
        if (b == 0) {
          return true;
        }
      }
      return false;
    }
  }

  public List<Path> files() {
    return files;
  }

  /** Bytes of all input files: what {@link #bytesRead()} counts up to. */
  public long totalBytes() throws IOException {
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    return total;
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  public long badRecords() {
    return badRecords;
  }

  /** Passes every piece of every document, in order. */
  public void read(Consumer<Piece> into) throws IOException {
    for (Path file : files) {
      try (BufferedReader reader = open(file)) {
        if (file.getFileName().toString().endsWith(".jsonl")) {
          readRecords(file, reader, into);
        } else {
          readText(file, reader, into);
        }
      }
    }
  }

  private BufferedReader open(Path file) throws IOException {
    InputStream counted =
        new FilterInputStream(Files.newInputStream(file)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              bytesRead.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
              bytesRead.addAndGet(n);
            }
            return n;
          }
        };
    return new BufferedReader(
        new InputStreamReader(
            counted,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)));
  }

  private void readText(Path file, BufferedReader reader, Consumer<Piece> into) throws IOException {
    StringBuilder document = new StringBuilder();
    long number = 0;
    long first = 1;
    String line;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.equals(delimiter)) {
        emit(document, file + ":" + first, true, into);
        first = number + 1;
        continue;
      }
      document.append(line).append('\n');
      if (document.length() >= PIECE_CHARS) {
        emit(document, file + ":" + first, false, into);
        first = number + 1;
      }
    }
    emit(document, file + ":" + first, true, into);
  }

  private static void emit(StringBuilder text, String where, boolean last, Consumer<Piece> into) {
    if (!text.isEmpty() || !last) {
      into.accept(new Piece(text.toString(), where, last));
    }
    text.setLength(0);
  }

  private void readRecords(Path file, BufferedReader reader, Consumer<Piece> into)
      throws IOException {
    long number = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String text = recordText(file, number, line);
      if (text != null) {
        into.accept(new Piece(text, file + ":" + number, true));
      }
    }
  }

  /** The record's text, or null when it is bad (reported, or refused when strict). */
  private String recordText(Path file, long number, String line) {
    try {
      JsonNode record = JsonlRecords.object(file, number, line);
      if (record.path("text").isTextual()) {
        return record.get("text").asText();
      }
      List<String> parts = new ArrayList<>();
      for (String field : POST_TRAINING_FIELDS) {
        if (record.path(field).isTextual()) {
          parts.add(record.get(field).asText());
        }
      }
      if (!parts.isEmpty()) {
        return String.join("\n", parts);
      }
      throw new BadInputException(
          file
              + ":"
              + number
              + ": no \"text\" (or prompt, completion, chosen, rejected) string field");
    } catch (BadInputException bad) {
      if (strict) {
        throw bad;
      }
      badRecords++;
      onBadRecord.accept(bad.getMessage());
      return null;
    }
  }
}
