package dev.emergent.trainer.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of another JVM of this installation on this process's classpath: how the
 * launcher starts a pod's ranks and the local runner its trainers, so they run the same code.
 */
public final class JavaCommand {
  private JavaCommand() {}

  /**
   * {@code java <options> -cp <this classpath> <mainClass> <arguments>}, with the Vector API that
   * the trainer's fused kernels run on.
   */
  public static List<String> of(List<String> options, String mainClass, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules");
    command.add("jdk.incubator.vector");
    command.addAll(options);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(arguments);
    return command;
  }
}
