package dev.emergent.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The trainers' class-data-sharing archive (the JDK's dynamic CDS): the classes a rank loads, and
 * the lambda classes it spins, mapped at start instead of read from jars, verified and generated
 * again. A trainer process starts about a second sooner with it on two cores (a two-step stage of
 * the quickstart in 6.9 s against 8.0 s).
 *
 * <p>A run that finds no archive writes one: its rank 0 dumps its classes when it leaves (about 1.5
 * s), and the runner publishes the file, by an atomic rename, once that rank left cleanly. The JVM
 * maps an archive only over the very jars it was made from, so the name carries a fingerprint of
 * the classpath (paths, sizes, modification times): a rebuild makes a new one and removes the old.
 * The archive lives beside the jar of this class; where that folder is not writable, or the
 * classpath holds folders (tests, IDEs), which the JDK cannot archive, ranks start without one.
 */
final class ClassArchive {
  private static final String PREFIX = "trainer-classes-";
  private static final String SUFFIX = ".jsa";

  /** The JDK reports classes it leaves out of an archive as warnings on the rank's log. */
  private static final String QUIET = "-Xlog:cds*=error";

  private final Path file;
  private Path dumping;

  private ClassArchive(Path file) {
    this.file = file;
  }

  /** The archive of this process's classpath, beside the jar this class came from. */
  static ClassArchive forThisInstallation() {
    Path home;
    try {
      home =
          Path.of(ClassArchive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      return new ClassArchive(null);
    }
    return of(System.getProperty("java.class.path"), home.getParent());
  }

  /** The archive of {@code classpath} in {@code folder}; none where the JDK could not make one. */
  static ClassArchive of(String classpath, Path folder) {
    List<Path> entries = Stream.of(classpath.split(File.pathSeparator)).map(Path::of).toList();
    boolean archivable =
        !entries.isEmpty()
            && entries.stream()
                .allMatch(e -> Files.isRegularFile(e) && e.toString().endsWith(".jar"));
    if (!archivable || folder == null || !Files.isWritable(folder)) {
      return new ClassArchive(null);
    }
    try {
      return new ClassArchive(folder.resolve(PREFIX + fingerprint(entries) + SUFFIX));
    } catch (IOException e) {
      return new ClassArchive(null);
    }
  }

  /**
   * The JVM options of a trainer process of {@code rank}: map the archive, or (rank 0, when there
   * is none yet) write it on leaving.
   */
  List<String> options(int rank) {
    List<String> mapping = mapping();
    if (!mapping.isEmpty() || file == null || rank != 0) {
      return mapping;
    }
    dumping = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    return List.of("-XX:ArchiveClassesAtExit=" + dumping, QUIET);
  }

  /** The JVM options of another JVM of this classpath: map the archive if there is one. */
  List<String> mapping() {
    return file != null && Files.isRegularFile(file)
        ? List.of("-XX:SharedArchiveFile=" + file, QUIET)
        : List.of();
  }

  /**
   * Publishes the archive that rank 0 wrote, if it left cleanly, and removes archives of earlier
   * builds; drops a partial one otherwise.
   */
  void dumpEnded(boolean rank0Succeeded) {
    if (dumping == null) {
      return;
    }
    Path written = dumping;
    dumping = null;
    try {
      if (rank0Succeeded && Files.isRegularFile(written) && Files.size(written) > 0) {
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
        removeStale();
      } else {
        Files.deleteIfExists(written);
      }
    } catch (IOException e) {
      // The run's result stands; the next run tries again.
      try {
        Files.deleteIfExists(written);
      } catch (IOException ignored) {
        // Nothing more to do: a stray temporary file is harmless.
      }
    }
  }

  /** Where the archive of this classpath is (or would be); empty where ranks run without one. */
  Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * Archives of earlier builds, and dumps older than an hour (a runner stopped while its rank 0
   * wrote): a newer dump may be another runner's, still being written.
   */
  private void removeStale() throws IOException {
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      for (Path other : siblings.toList()) {
        String name = other.getFileName().toString();
        boolean archive = name.endsWith(SUFFIX) && !other.equals(file);
        boolean abandoned =
            name.endsWith(".tmp") && Files.getLastModifiedTime(other).toInstant().isBefore(hourAgo);
        if (name.startsWith(PREFIX) && (archive || abandoned)) {
          Files.deleteIfExists(other);
        }
      }
    }
  }

  private static String fingerprint(List<Path> entries) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Path entry : entries) {
      String line =
          entry.toAbsolutePath()
              + "\t"
              + Files.size(entry)
              + "\t"
              + Files.getLastModifiedTime(entry).toMillis()
              + "\n";
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }
}
