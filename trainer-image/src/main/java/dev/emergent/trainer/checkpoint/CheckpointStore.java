package dev.emergent.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emergent.plan.CheckpointPaths;
import dev.emergent.plan.StageConfig;
import dev.emergent.plan.TrainingRunFiles;
import dev.emergent.trainer.io.Sha256;
import dev.emergent.trainer.optim.AdamW;
import dev.emergent.trainer.tensor.Parameters;
import dev.emergent.trainer.tokenizer.BpeTokenizer;
import dev.emergent.trainer.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints under a root folder, laid out as {@code <run>/<stage>/step-<n>/}. A checkpoint is
 * written to a temporary folder, fsynced and renamed into place, then {@code latest} is swapped
 * atomically; a reader checks every file's SHA-256 before it trusts a byte.
 */
public final class CheckpointStore {
  private static final ObjectMapper JSON = TrainingRunFiles.JSON;
  private static final Pattern STEP = Pattern.compile("step-(\\d+)");
  private static final String MODEL_FILE = "model-rank0.bin";
  private static final String OPTIMIZER_FILE = "optimizer-rank0.bin";

  private final Path root;

  public CheckpointStore(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** A checkpoint as read back: manifest and the folder it came from. */
  public record Loaded(Path folder, Manifest manifest) {}

  /**
   * Publishes step {@code step} of a stage and returns its path relative to the root. Keeps the
   * newest {@code config.checkpoint().keep()} step folders.
   */
  public String save(
      StageConfig config,
      long step,
      Parameters parameters,
      AdamW optimizer,
      Manifest.TrainingState state,
      Map<String, Double> metrics,
      BpeTokenizer tokenizer)
      throws IOException {
    Path stageDir = root.resolve(config.checkpoint().directory());
    Files.createDirectories(stageDir);
    String name = "step-" + step;
    Path temporary =
        Files.createTempDirectory(
            stageDir,
            "." + name + ".tmp-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Map<String, String> sha256 = new LinkedHashMap<>();
    sha256.put(MODEL_FILE, ArrayFiles.write(temporary.resolve(MODEL_FILE), parameters.values()));
    sha256.put(
        OPTIMIZER_FILE,
        ArrayFiles.write(
            temporary.resolve(OPTIMIZER_FILE), optimizer.firstMoment(), optimizer.secondMoment()));
    if (!tokenizer.isBytes()) {
      Path file = temporary.resolve(Manifest.TOKENIZER_FILE);
      TokenizerJson.write(tokenizer, file);
      sha256.put(Manifest.TOKENIZER_FILE, Sha256.of(file));
    }
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT,
            config.run(),
            config.stage(),
            config.type().name(),
            step,
            config.model(),
            config.mesh(),
            ParameterLayout.dataTypeName(parameters.dataType()),
            "little",
            ParameterLayout.tensors(parameters),
            List.of(new Manifest.Shard(0, MODEL_FILE, "full", parameters.count())),
            new Manifest.Optimizer(optimizer.steps(), List.of(OPTIMIZER_FILE)),
            state,
            metrics,
            sha256,
            tokenizer.sha256());
    Path manifestFile = temporary.resolve(Manifest.FILE);
    Files.write(
        manifestFile,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest),
        StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    fsync(temporary);
    Path target = stageDir.resolve(name);
    if (Files.exists(target)) {
      deleteRecursively(target);
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    pointLatestAt(stageDir, name);
    fsync(stageDir);
    prune(stageDir, config.checkpoint().keep());
    return CheckpointPaths.step(config.run(), config.stage(), step);
  }

  /**
   * Where a stage resumes: its {@code latest} checkpoint when that passes verification, else the
   * newest step folder that does, with what was skipped and why; nothing when the stage has no
   * checkpoint yet.
   *
   * @throws CheckpointCorruptException when the stage has checkpoints and none is intact
   */
  public Resume resume(StageConfig config) throws IOException {
    Path stageDir = root.resolve(config.checkpoint().directory());
    Path latest = stageDir.resolve(CheckpointPaths.LATEST);
    List<String> skipped = new ArrayList<>();
    List<Path> candidates = new ArrayList<>();
    if (Files.exists(latest, LinkOption.NOFOLLOW_LINKS)) {
      candidates.add(latest);
    }
    candidates.addAll(steps(stageDir));
    Set<Path> tried = new HashSet<>();
    for (Path candidate : candidates) {
      if (Files.exists(candidate) && !tried.add(candidate.toRealPath())) {
        continue;
      }
      try {
        return new Resume(Optional.of(open(candidate)), skipped);
      } catch (CheckpointException e) {
        skipped.add(candidate.getFileName() + ": " + e.getMessage());
      }
    }
    if (!candidates.isEmpty()) {
      throw new CheckpointCorruptException(
          "no intact checkpoint of stage " + config.stage() + ": " + String.join("; ", skipped));
    }
    return new Resume(Optional.empty(), skipped);
  }

  /** Where a stage resumes from, and the checkpoints passed over on the way, newest first. */
  public record Resume(Optional<Loaded> checkpoint, List<String> skipped) {}

  /** Reads and verifies the manifest of a checkpoint folder (a step folder or a latest link). */
  public Loaded open(String relativePath) throws IOException {
    return open(root.resolve(relativePath));
  }

  /** Reads and verifies the checkpoint in {@code folder}, wherever it is. */
  public static Loaded openFolder(Path folder) throws IOException {
    return new CheckpointStore(folder.getParent() == null ? Path.of(".") : folder.getParent())
        .open(folder);
  }

  private Loaded open(Path folder) throws IOException {
    Path real;
    try {
      real = folder.toRealPath();
    } catch (NoSuchFileException e) {
      throw new CheckpointException("no checkpoint at " + folder);
    }
    Path manifestFile = real.resolve(Manifest.FILE);
    if (!Files.exists(manifestFile)) {
      throw new CheckpointException("no " + Manifest.FILE + " in " + real);
    }
    Manifest manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
    for (Map.Entry<String, String> file : manifest.sha256().entrySet()) {
      Path path = real.resolve(file.getKey());
      if (!Files.exists(path)) {
        throw new CheckpointException(path + " is missing");
      }
      String actual = Sha256.of(path);
      if (!actual.equals(file.getValue())) {
        throw new CheckpointException(
            path + " is corrupted: sha256 " + actual + ", manifest says " + file.getValue());
      }
    }
    return new Loaded(real, manifest);
  }

  /** Replaces the {@code latest} link in one rename, so readers see the old or the new one. */
  private static void pointLatestAt(Path stageDir, String stepFolder) throws IOException {
    Path link = stageDir.resolve(CheckpointPaths.LATEST);
    Path temporary = stageDir.resolve("." + CheckpointPaths.LATEST + ".tmp");
    Files.deleteIfExists(temporary);
    Files.createSymbolicLink(temporary, Path.of(stepFolder));
    try {
      Files.move(
          temporary, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new CheckpointException("the checkpoint volume cannot rename atomically", e);
    }
  }

  /** The stage's step folders, newest first. */
  private static List<Path> steps(Path stageDir) throws IOException {
    if (!Files.isDirectory(stageDir)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(stageDir)) {
      return children
          .filter(p -> STEP.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
          .toList();
    }
  }

  private static void prune(Path stageDir, int keep) throws IOException {
    Path latest = stageDir.resolve(CheckpointPaths.LATEST).toRealPath();
    List<Path> steps = steps(stageDir);
    for (Path old : steps.subList(Math.min(keep, steps.size()), steps.size())) {
      if (!old.toRealPath().equals(latest)) {
        deleteRecursively(old);
      }
    }
  }

  private static long stepOf(Path folder) {
    Matcher matcher = STEP.matcher(folder.getFileName().toString());
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  private static void fsync(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteRecursively(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
