package dev.emergent.trainer.shards;

import dev.emergent.trainer.data.BadInputException;
import dev.emergent.trainer.io.Sha256;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared corpus opened for reading: every shard checked against the manifest (size and SHA-256,
 * so a corrupt or changed shard is refused by name) and memory-mapped, never read into the heap;
 * the operating system pages in what a rank touches.
 */
public final class TokenShards {
  private final Path dir;
  private final ShardManifest manifest;

  private TokenShards(Path dir, ShardManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /**
   * Opens {@code dir}, refusing a corpus prepared with another tokenizer than the model's ({@code
   * tokenizerSha256}).
   */
  public static TokenShards open(Path dir, String tokenizerSha256) {
    ShardManifest manifest = ShardManifest.read(dir);
    if (!manifest.tokenizer().sha256().equals(tokenizerSha256)) {
      throw new BadInputException(
          dir
              + " was prepared with tokenizer "
              + manifest.tokenizer().source()
              + " (sha256 "
              + manifest.tokenizer().sha256().substring(0, 12)
              + "…, "
              + manifest.tokenizer().vocabSize()
              + " ids), not the model's (sha256 "
              + tokenizerSha256.substring(0, 12)
              + "…): prepare it again with the model's tokenizer");
    }
    return new TokenShards(dir, manifest);
  }

  public ShardManifest manifest() {
    return manifest;
  }

  /** One split's tokens as one sequence, from its verified, mapped shards. */
  public Split split(String name) throws IOException {
    ShardManifest.Split split = manifest.splits().get(name);
    if (split == null) {
      throw new BadInputException(dir + ": the manifest has no split " + name);
    }
    List<MappedByteBuffer> maps = new ArrayList<>();
    for (ShardManifest.Shard shard : split.shards()) {
      maps.add(verifiedMap(shard));
    }
    return new Split(maps, split.tokens(), manifest.shardTokens(), manifest.tokenBytes());
  }

  private MappedByteBuffer verifiedMap(ShardManifest.Shard shard) throws IOException {
    Path file = dir.resolve(shard.file());
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": missing shard; prepare the corpus again");
    }
    long expected = shard.tokens() * manifest.tokenBytes();
    if (Files.size(file) != expected) {
      throw new BadInputException(
          file + ": " + Files.size(file) + " bytes, the manifest says " + expected + "; corrupt");
    }
    if (!Sha256.of(file).equals(shard.sha256())) {
      throw new BadInputException(
          file + ": SHA-256 does not match the manifest; the shard is corrupt or was changed");
    }
    try (FileChannel channel = FileChannel.open(file)) {
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, expected);
      map.order(ByteOrder.LITTLE_ENDIAN);
      return map;
    }
  }

  /** A split's tokens: every shard but the last holds exactly {@code shardTokens}. */
  public static final class Split {
    private final List<MappedByteBuffer> shards;
    private final long tokens;
    private final long shardTokens;
    private final int tokenBytes;

    Split(List<MappedByteBuffer> shards, long tokens, long shardTokens, int tokenBytes) {
      this.shards = shards;
      this.tokens = tokens;
      this.shardTokens = shardTokens;
      this.tokenBytes = tokenBytes;
    }

    public long tokens() {
      return tokens;
    }

    /** Copies tokens [start, start + into.length) into {@code into}. */
    public void read(long start, int[] into) {
      for (int i = 0; i < into.length; i++) {
        long at = start + i;
        MappedByteBuffer shard = shards.get((int) (at / shardTokens));
        int index = (int) (at % shardTokens) * tokenBytes;
        into[i] = tokenBytes == 2 ? shard.getShort(index) & 0xffff : shard.getInt(index);
      }
    }
  }
}
