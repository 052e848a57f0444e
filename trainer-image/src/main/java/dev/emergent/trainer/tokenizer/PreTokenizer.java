package dev.emergent.trainer.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization: text is cut into words (with their leading space), numbers, runs of
 * punctuation and whitespace before merges apply, so that no token spans a word boundary. The
 * pattern is the one {@code ByteLevel} with {@code use_regex} applies; Unicode character classes
 * make {@code \s}, {@code \p{L}} and {@code \p{N}} match as in Rust's regex.
 */
final class PreTokenizer {
  private static final Pattern GPT2 =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private PreTokenizer() {}

  /** The pieces of {@code text}, in order; together they are the text. */
  static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher matcher = GPT2.matcher(text);
    while (matcher.find()) {
      pieces.add(matcher.group());
    }
    return pieces;
  }
}
