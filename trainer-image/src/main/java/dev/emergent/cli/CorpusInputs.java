package dev.emergent.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What a command reads a corpus from: files and directories, and where documents end. */
final class CorpusInputs {
  @Option(
      names = "--delimiter",
      description = "A line that ends a document in plain text files (e.g. % for fortunes).")
  String delimiter;

  @Parameters(
      arity = "1..*",
      paramLabel = "CORPUS",
      description = "Text files, JSONL files and directories of them.")
  List<Path> paths;
}
