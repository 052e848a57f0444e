package dev.emergent.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A TrainingRun that breaks one or more rules; the message lists each on its own line. */
public class InvalidSpecException extends RuntimeException {
  private final List<Violation> violations;

  public InvalidSpecException(List<Violation> violations) {
    super(
        violations.stream()
            .map(Violation::toString)
            .collect(Collectors.joining("\n", "invalid TrainingRun:\n", "")));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
