package dev.emergent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** TrainingRun files of a one-layer model on two data ranks, for tests that run them. */
public final class TinyRuns {
  private TinyRuns() {}

  /**
   * Writes run {@code name} to {@code file}: {@code spec} holds further fields of the spec and
   * {@code stages} the stage list, both as YAML at the spec's own level.
   */
  public static Path write(Path file, String name, String spec, String stages) throws IOException {
    String yaml =
        """
        apiVersion: emergent.dev/v1alpha1
        kind: TrainingRun
        metadata: {name: %s}
        spec:
          model: {layers: 1, dModel: 32, heads: 2, contextLength: 16}
          mesh:
            axes: [{name: data, size: 2}, {name: model, size: 1}]
        """
                .formatted(name)
            + (spec + "stages:\n" + stages).indent(2);
    return Files.writeString(file, yaml);
  }
}
