package dev.emergent.local;

/** Numbers for people: 3 significant digits with an SI prefix (13.1K, 2.62M, 4.1e18 beyond T). */
final class Numbers {
  private static final String[] PREFIXES = {"", "K", "M", "G", "T"};

  private Numbers() {}

  static String si(double value) {
    double abs = Math.abs(value);
    int power = 0;
    while (abs >= 1000 && power < PREFIXES.length - 1) {
      abs /= 1000;
      power++;
    }
    if (abs >= 1000) {
      return String.format("%.2e", value);
    }
    String digits = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f";
    return String.format(digits, Math.signum(value) * abs) + PREFIXES[power];
  }
}
