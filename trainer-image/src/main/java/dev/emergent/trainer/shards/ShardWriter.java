package dev.emergent.trainer.shards;

import dev.emergent.trainer.io.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one split's tokens as fixed-size shard files ({@code <split>-00000.bin}, …), little-endian
 * uint16 or uint32, each hashed while it is written; only the last shard of a split is shorter.
 */
final class ShardWriter implements AutoCloseable {
  private final Path dir;
  private final String split;
  private final long shardTokens;
  private final int tokenBytes;
  private final List<ShardManifest.Shard> shards = new ArrayList<>();
  private final ByteBuffer buffer;
  private OutputStream out;
  private MessageDigest digest;
  private long inShard;
  private long documents;
  private long tokens;
  private long bytes;

  ShardWriter(Path dir, String split, long shardTokens, int tokenBytes) {
    this.dir = dir;
    this.split = split;
    this.shardTokens = shardTokens;
    this.tokenBytes = tokenBytes;
    this.buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Appends the tokens of one document (or of a piece of one), and the text bytes they stand for.
   */
  void write(int[] ids, long textBytes, boolean endsDocument) throws IOException {
    for (int id : ids) {
      if (out == null) {
        open();
      }
      if (buffer.remaining() < tokenBytes) {
        flush();
      }
      if (tokenBytes == 2) {
        buffer.putShort((short) id);
      } else {
        buffer.putInt(id);
      }
      tokens++;
      if (++inShard == shardTokens) {
        closeShard();
      }
    }
    bytes += textBytes;
    if (endsDocument) {
      documents++;
    }
  }

  private void open() throws IOException {
    digest = Sha256.digest();
    out = new DigestOutputStream(Files.newOutputStream(dir.resolve(name())), digest);
    inShard = 0;
  }

  private String name() {
    return String.format("%s-%05d.bin", split, shards.size());
  }

  private void flush() throws IOException {
    out.write(buffer.array(), 0, buffer.position());
    buffer.clear();
  }

  private void closeShard() throws IOException {
    flush();
    out.close();
    shards.add(new ShardManifest.Shard(name(), inShard, Sha256.hex(digest)));
    out = null;
  }

  ShardManifest.Split split() {
    return new ShardManifest.Split(documents, tokens, bytes, List.copyOf(shards));
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      closeShard();
    }
  }
}
