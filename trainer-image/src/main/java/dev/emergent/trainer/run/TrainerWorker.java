package dev.emergent.trainer.run;

import dev.emergent.plan.ExitCode;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.generate.Completions;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer process kept from stage to stage, as the local runner runs it: one stage per line of
 * standard input (a {@link Request}), each run as {@link TrainerMain} runs one, each answered by a
 * line {@link #EXITED} and its exit code on standard output; the end of the input ends the process.
 * A stage in a warm JVM starts without the JVM's start, ND4J's loading and the JIT's warm-up, which
 * took about 7 of the 8 seconds of a two-step stage of the quickstart on two cores. The run's
 * report asks it for {@link Samples} the same way, for the same reason.
 */
public final class TrainerWorker {
  public static final String EXITED = "emergent-trainer-worker: exited ";

  /**
   * One stage: its launch environment (over this process's own) and the log its output goes to; or,
   * with {@code samples}, those instead of a stage.
   */
  public record Request(Map<String, String> env, String log, Samples samples) {}

  /**
   * Completions of {@code prompts} by a checkpoint, greedy in the prompt format or, with {@code
   * text}, sampled continuations of plain text (as {@code emergent generate} makes them), written
   * to {@code output} as a JSON list.
   */
  public record Samples(
      String checkpoint, List<String> prompts, boolean text, int maxNewTokens, String output) {}

  private TrainerWorker() {}

  public static void main(String[] args) throws IOException {
    NativeLibraryCache.useWritableFolder();
    PrintStream replies = System.out;
    PrintStream errors = System.err;
    BufferedReader requests =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = requests.readLine(); line != null; line = requests.readLine()) {
      Request request = TrainingRunFiles.JSON.readValue(line, Request.class);
      Map<String, String> env = new HashMap<>(System.getenv());
      env.putAll(request.env());
      ExitCode code;
      try (PrintStream log =
          new PrintStream(
              new FileOutputStream(request.log(), true), true, StandardCharsets.UTF_8)) {
        System.setOut(log);
        System.setErr(log);
        code =
            request.samples() == null
                ? TrainerMain.run(env, log, log)
                : write(request.samples(), log);
      } finally {
        System.setOut(replies);
        System.setErr(errors);
      }
      // The stage's arrays hold native memory until the collector finds them unreachable.
      System.gc();
      replies.println(EXITED + code.code());
      replies.flush();
    }
  }

  private static ExitCode write(Samples samples, PrintStream log) {
    Path checkpoint = Path.of(samples.checkpoint());
    try {
      List<String> completions =
          Completions.of(checkpoint, samples.prompts(), samples.text(), samples.maxNewTokens());
      TrainingRunFiles.JSON.writeValue(Path.of(samples.output()).toFile(), completions);
      return ExitCode.SUCCEEDED;
    } catch (IOException | RuntimeException e) {
      log.println("emergent: no samples from " + checkpoint + ": " + e);
      return ExitCode.FAILED;
    }
  }
}
