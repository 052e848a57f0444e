package dev.emergent.plan;

/** The byte-level vocabulary: 256 byte values followed by the special tokens. */
public final class Tokens {
  public static final int BYTES = 256;
  public static final int BEGIN = 256;
  public static final int END = 257;
  public static final int PROMPT = 258;
  public static final int RESPONSE = 259;
  public static final int PADDING = 260;
  public static final int SIZE = 261;

  private Tokens() {}
}
