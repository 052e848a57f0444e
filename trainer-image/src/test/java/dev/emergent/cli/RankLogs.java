package dev.emergent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a rank's log says about the process it ran in. */
final class RankLogs {
  private static final Pattern PROCESS = Pattern.compile("process (\\d+)");

  private RankLogs() {}

  /** The process id its first line names. */
  static String process(Path log) {
    try {
      Matcher matcher = PROCESS.matcher(Files.readString(log));
      assertThat(matcher.find()).as(log + " names its process").isTrue();
      return matcher.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
