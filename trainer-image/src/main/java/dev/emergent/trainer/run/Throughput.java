package dev.emergent.trainer.run;

import java.util.ArrayDeque;

/** Tokens per second over the last few steps, and the time the remaining steps will take. */
final class Throughput {
  private static final int WINDOW = 20;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {nanoTime, tokens}
  private long last = System.nanoTime();

  double record(long tokens) {
    long now = System.nanoTime();
    samples.addLast(new long[] {now - last, tokens});
    last = now;
    if (samples.size() > WINDOW) {
      samples.removeFirst();
    }
    return tokensPerSecond();
  }

  double tokensPerSecond() {
    long nanos = samples.stream().mapToLong(s -> s[0]).sum();
    long tokens = samples.stream().mapToLong(s -> s[1]).sum();
    return nanos == 0 ? 0 : tokens * 1e9 / nanos;
  }

  double eta(long remainingSteps) {
    double secondsPerStep = samples.stream().mapToLong(s -> s[0]).average().orElse(0) / 1e9;
    return remainingSteps * secondsPerStep;
  }
}
