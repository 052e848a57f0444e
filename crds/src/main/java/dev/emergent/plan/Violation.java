package dev.emergent.plan;

/** One broken rule: the field path as kubectl shows it, and what is wrong. */
public record Violation(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
