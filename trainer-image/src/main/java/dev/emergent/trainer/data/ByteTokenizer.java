package dev.emergent.trainer.data;

import dev.emergent.plan.Tokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as tokens 0–255; the special tokens of {@link Tokens} above them. */
public final class ByteTokenizer {
  private ByteTokenizer() {}

  public static int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xff;
    }
    return ids;
  }

  /** Text of the byte tokens; special tokens end the text at {@link Tokens#END}, else vanish. */
  public static String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id == Tokens.END) {
        break;
      }
      if (id < Tokens.BYTES) {
        bytes.write(id);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
