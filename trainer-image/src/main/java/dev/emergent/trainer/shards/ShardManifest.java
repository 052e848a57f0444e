package dev.emergent.trainer.shards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.emergent.trainer.data.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * manifest.json of a prepared corpus: the tokenizer it was made with, the token width, and per
 * split its documents, tokens, source bytes (for bits per byte) and shards with their SHA-256.
 * Written last, so a folder with a manifest is complete.
 */
public record ShardManifest(
    String format,
    Tokenizer tokenizer,
    String dtype,
    long shardTokens,
    double validationFraction,
    Map<String, Split> splits,
    long badRecords,
    List<String> inputs) {

  public static final String FORMAT = "emergent-token-shards/1";
  public static final String FILE = "manifest.json";
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** {@code source}: the tokenizer file's name, or {@code bytes}. */
  public record Tokenizer(String source, String sha256, int vocabSize) {}

  public record Split(long documents, long tokens, long bytes, List<Shard> shards) {}

  public record Shard(String file, long tokens, String sha256) {}

  /** Bytes per token in a shard file. */
  public int tokenBytes() {
    return tokenBytes(dtype);
  }

  static int tokenBytes(String dtype) {
    return "uint16".equals(dtype) ? 2 : 4;
  }

  public static String dtypeFor(int vocabSize) {
    return vocabSize <= 1 << 16 ? "uint16" : "uint32";
  }

  void write(Path dir) throws IOException {
    Path partial = dir.resolve(FILE + ".partial");
    JSON.writeValue(partial.toFile(), this);
    Files.move(partial, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
  }

  public static ShardManifest read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(
          dir + ": no " + FILE + "; prepare the corpus with emergent data prepare");
    }
    ShardManifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), ShardManifest.class);
    } catch (IOException e) {
      throw new BadInputException(file + ": not a shard manifest: " + e.getMessage());
    }
    if (!FORMAT.equals(manifest.format())) {
      throw new BadInputException(
          file + ": format " + manifest.format() + " is not " + FORMAT + "; prepare it again");
    }
    return manifest;
  }
}
