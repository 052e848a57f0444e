package dev.emergent.trainer.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-level alphabet: each of the 256 byte values as one printable character, so that
 * tokens are strings without spaces or control characters (space is {@code Ġ}, newline {@code Ċ}),
 * as the {@code ByteLevel} pre-tokenizer and decoder of {@code tokenizer.json} expect. Every byte
 * has a token, so no text is ever unknown.
 */
final class ByteLevel {
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[324];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char c = printable ? (char) b : (char) (256 + next++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The byte-level string of some text's UTF-8 bytes. */
  static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
    }
    return new String(chars);
  }

  /** The character of one byte value. */
  static char of(int b) {
    return BYTE_TO_CHAR[b];
  }

  /** Appends the bytes a byte-level string stands for. */
  static void decode(String symbols, ByteArrayOutputStream into) {
    for (int i = 0; i < symbols.length(); i++) {
      char c = symbols.charAt(i);
      int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
      if (b < 0) {
        throw new IllegalArgumentException("not a byte-level symbol: U+" + Integer.toHexString(c));
      }
      into.write(b);
    }
  }
}
