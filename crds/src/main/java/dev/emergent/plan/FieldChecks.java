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

  void closedRange(String field, Double value, double min, double max) {
    if (value != null && !(value >= min && value <= max)) {
      fail(field, "must be between " + num(min) + " and " + num(max) + ", got " + num(value));
    }
  }

  /** Range that excludes its lower end, for rates and ratios that must be positive. */
  void positiveUpTo(String field, Double value, double max) {
    if (value != null && !(value > 0 && value <= max)) {
      fail(field, "must be greater than 0 and at most " + num(max) + ", got " + num(value));
    }
  }

  /** Checks length and pattern of a present value; returns whether it is absent or well formed. */
  boolean pattern(String field, String value, Pattern pattern, int maxLength, String what) {
    if (value == null) {
      return true;
    }
    if (value.isEmpty() || value.length() > maxLength) {
      fail(field, "must be 1 to " + maxLength + " characters, got " + value.length());
      return false;
    }
    if (!pattern.matcher(value).matches()) {
      fail(field, "must be " + what + ", got \"" + value + "\"");
      return false;
    }
    return true;
  }

  static String num(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
