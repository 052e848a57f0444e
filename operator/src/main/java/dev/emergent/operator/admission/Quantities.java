package dev.emergent.operator.admission;

import java.math.BigDecimal;

/** Amounts in quota messages the way people write them: 64, 2.5, 16Gi. */
final class Quantities {
  private static final String[] BINARY = {"Ki", "Mi", "Gi", "Ti", "Pi"};

  private Quantities() {}

  static String format(String resource, BigDecimal amount) {
    if (resource.contains("memory") || resource.contains("storage")) {
      BigDecimal unit = BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024);
      for (int i = BINARY.length - 1; i >= 0; i--) {
        if (amount.compareTo(unit) >= 0 && amount.remainder(unit).signum() == 0) {
          return amount.divide(unit).toPlainString() + BINARY[i];
        }
        unit = unit.divide(BigDecimal.valueOf(1024));
      }
    }
    return amount.stripTrailingZeros().toPlainString();
  }
}
