package dev.emergent.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects violations of the per-field rules that the CRD schema states as OpenAPI bounds. */
final class FieldChecks {
  private final List<Violation> violations = new ArrayList<>();

  List<Violation> violations() {
    return violations;
  }

  boolean isClean() {
    return violations.isEmpty();
  }

  void fail(String field, String message) {
    violations.add(new Violation(field, message));
  }

  /** Reports a missing value and returns whether it is present. */
  boolean required(String field, Object value) {
    if (value == null) {
      fail(field, "required");
      return false;
    }
    return true;
  }

  void range(String field, Number value, long min, long max) {
    if (value != null && (value.longValue() < min || value.longValue() > max)) {
      fail(field, "must be between " + min + " and " + max + ", got " + value);
    }
  }

  /**
   * A number between optional bounds; an exclusive lower bound is for rates and ratios that must be
   * positive.
   */
  void between(String field, Double value, Double min, boolean exclusiveMin, Double max) {
    if (value == null) {
      return;
    }
    boolean low = min == null || (exclusiveMin ? value > min : value >= min);
    boolean high = max == null || value <= max;
    if (low && high) {
      return;
    }
    String bounds =
        exclusiveMin
            ? "greater than " + num(min) + (max == null ? "" : " and at most " + num(max))
            : min == null
                ? "at most " + num(max)
                : max == null ? "at least " + num(min) : "between " + num(min) + " and " + num(max);
    fail(field, "must be " + bounds + ", got " + num(value));
  }

  /** Checks length and pattern of a present value; returns whether it is absent or well formed. */
  boolean text(
      String field, String value, int minLength, int maxLength, String regex, String what) {
    if (value == null) {
      return true;
    }
    if (value.length() < minLength || value.length() > maxLength) {
      fail(
          field,
          "must be "
              + (minLength > 0 ? minLength + " to " + maxLength : "at most " + maxLength)
              + " characters, got "
              + value.length());
      return false;
    }
    if (regex != null && !Pattern.compile(regex).matcher(value).matches()) {
      fail(field, "must be " + what + ", got \"" + value + "\"");
      return false;
    }
    return true;
  }

  void items(String field, int count, int min, int max) {
    if (count < min || count > max) {
      fail(field, "must have " + min + " to " + max + " items, got " + count);
    }
  }

  static String num(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
