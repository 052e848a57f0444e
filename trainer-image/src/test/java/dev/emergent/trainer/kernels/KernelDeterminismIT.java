package dev.emergent.trainer.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emergent.trainer.launch.JavaCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lane operations whose results the Vector API lets depend on compilation (sums of lanes, exp)
 * give the same bits compiled by the JIT as in a JVM that only interprets: otherwise two runs of
 * the same training differ from their first steps, depending on when the JIT got to them.
 */
class KernelDeterminismIT {

  @Test
  void laneSumsAndExpGiveTheSameBitsCompiledAndInterpreted() throws Exception {
    int compiled = 0;
    for (int round = 0; round < 2_000; round++) {
      compiled = LaneBits.digest();
    }

    assertThat(interpreted()).isEqualTo(String.valueOf(compiled));
  }

  private static String interpreted() throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(JavaCommand.of(List.of("-Xint"), LaneBits.class.getName(), List.of()))
            .redirectErrorStream(true)
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the interpreting JVM did not finish in 120 s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING")).toList();
    assertThat(process.exitValue()).as(out).isZero();
    return lines.get(lines.size() - 1).trim();
  }
}
