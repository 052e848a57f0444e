package dev.emergent.local;

import dev.emergent.plan.LaunchEnvironment;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.launch.JavaCommand;
import dev.emergent.trainer.run.TrainerWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One rank's {@link TrainerWorker} process, as the runner sees it: stages go in one at a time, each
 * comes back as its exit code, or as the process's own if it dies during the stage. Whatever else
 * the process prints (the JVM's warnings, a crash) goes to the log of the stage it belongs to.
 */
final class RankWorker {
  private final Process process;
  private final Writer requests;
  private final List<String> unclaimed = new ArrayList<>();
  private Path log;
  private CompletableFuture<Integer> stage = CompletableFuture.completedFuture(0);

  private RankWorker(Process process) {
    this.process = process;
    this.requests = process.outputWriter(StandardCharsets.UTF_8);
  }

  /**
   * Starts the worker of {@code rank}; {@code threads} is its share of the cores, which OpenMP
   * reads once, when the BLAS loads.
   */
  static RankWorker start(String run, int rank, int threads, List<String> jvmOptions)
      throws IOException {
    RankWorker worker = new RankWorker(process(run, rank, threads, jvmOptions).start());
    Thread reader = new Thread(worker::readOutput, "rank-" + rank + "-output");
    reader.setDaemon(true);
    reader.start();
    return worker;
  }

  /** The worker's process, not yet started: its command line and environment. */
  static ProcessBuilder process(String run, int rank, int threads, List<String> jvmOptions) {
    List<String> options =
        new ArrayList<>(
            // Marks the process for ps and tests: the class name follows a long classpath.
            List.of("-Demergent.trainer=" + run + "/" + rank, "-XX:+UseSerialGC"));
    options.addAll(jvmOptions);
    ProcessBuilder builder =
        new ProcessBuilder(JavaCommand.of(options, TrainerWorker.class.getName(), List.of()))
            .redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
    builder.environment().putAll(LaunchEnvironment.BLAS_THREADS_SLEEP);
    return builder;
  }

  /** Runs a stage with {@code env}, its output in {@code log} (made anew); its exit code. */
  CompletableFuture<Integer> run(Map<String, String> env, Path log) throws IOException {
    return submit(new TrainerWorker.Request(env, log.toString(), null), log);
  }

  /** Writes {@code samples}, its output in {@code log} (made anew); its exit code. */
  CompletableFuture<Integer> write(TrainerWorker.Samples samples, Path log) throws IOException {
    return submit(new TrainerWorker.Request(Map.of(), log.toString(), samples), log);
  }

  private synchronized CompletableFuture<Integer> submit(TrainerWorker.Request request, Path log)
      throws IOException {
    Files.write(log, unclaimed, StandardCharsets.UTF_8);
    unclaimed.clear();
    this.log = log;
    stage = new CompletableFuture<>();
    try {
      requests.write(TrainingRunFiles.JSON.writeValueAsString(request) + "\n");
      requests.flush();
    } catch (IOException e) {
      // It died between stages: the stage ends with the code it died with.
      stage.complete(exitValue());
    }
    return stage;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Asks it to leave once it is idle: the end of its input. */
  void finish() {
    try {
      requests.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  void kill() {
    process.destroy();
  }

  /** Waits for it to leave, forcibly after {@code seconds}; its exit code. */
  int awaitExit(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  private void readOutput() {
    try (BufferedReader output = process.inputReader(StandardCharsets.UTF_8)) {
      for (String line = output.readLine(); line != null; line = output.readLine()) {
        if (line.startsWith(TrainerWorker.EXITED)) {
          exited(Integer.parseInt(line.substring(TrainerWorker.EXITED.length()).trim()));
        } else {
          claim(line);
        }
      }
    } catch (IOException e) {
      // The process is gone; its exit code says how.
    }
    exited(exitValue());
  }

  private synchronized void exited(int code) {
    stage.complete(code);
  }

  private synchronized void claim(String line) throws IOException {
    if (log == null) {
      unclaimed.add(line);
      return;
    }
    Files.writeString(
        log,
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private int exitValue() {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
