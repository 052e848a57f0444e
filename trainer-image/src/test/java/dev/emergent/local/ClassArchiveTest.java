package dev.emergent.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
  @TempDir Path dir;

  private String classpath(Path... entries) {
    return String.join(File.pathSeparator, List.of(entries).stream().map(Path::toString).toList());
  }

  private Path jar(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static String path(String option) {
    return option.substring(option.indexOf('=') + 1);
  }

  @Test
  void rankZeroWritesTheArchiveAndEveryRankMapsItOncePublished() throws Exception {
    String classpath = classpath(jar("trainer.jar", "a"), jar("nd4j.jar", "b"));
    ClassArchive archive = ClassArchive.of(classpath, dir);
    Path stale = Files.writeString(dir.resolve("trainer-classes-0000000000000000.jsa"), "old");

    List<String> dumping = archive.options(0);
    assertThat(archive.options(1)).isEmpty();
    assertThat(archive.mapping()).as("nothing to map before it is published").isEmpty();
    assertThat(dumping.get(0)).startsWith("-XX:ArchiveClassesAtExit=");
    Files.writeString(Path.of(path(dumping.get(0))), "classes");
    archive.dumpEnded(true);

    Path published = archive.file().orElseThrow();
    assertThat(published).hasContent("classes");
    assertThat(stale).doesNotExist();
    assertThat(archive.mapping()).first().isEqualTo("-XX:SharedArchiveFile=" + published);
    for (int rank = 0; rank < 2; rank++) {
      assertThat(ClassArchive.of(classpath, dir).options(rank))
          .first()
          .isEqualTo("-XX:SharedArchiveFile=" + published);
    }
  }

  @Test
  void aFailedDumpIsDroppedAndTheNextRunTriesAgain() throws Exception {
    String classpath = classpath(jar("trainer.jar", "a"));
    ClassArchive archive = ClassArchive.of(classpath, dir);
    Path partial = Path.of(path(archive.options(0).get(0)));
    Files.writeString(partial, "half");

    archive.dumpEnded(false);

    assertThat(partial).doesNotExist();
    assertThat(archive.file().orElseThrow()).doesNotExist();
    assertThat(ClassArchive.of(classpath, dir).options(0).get(0))
        .startsWith("-XX:ArchiveClassesAtExit=");
  }

  @Test
  void aDumpAbandonedAnHourAgoIsRemovedWithTheNextPublishedArchive() throws Exception {
    String classpath = classpath(jar("trainer.jar", "a"));
    Path abandoned = Files.writeString(dir.resolve("trainer-classes-1.jsa.x.tmp"), "half");
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path recent = Files.writeString(dir.resolve("trainer-classes-1.jsa.y.tmp"), "being written");
    ClassArchive archive = ClassArchive.of(classpath, dir);
    Files.writeString(Path.of(path(archive.options(0).get(0))), "classes");

    archive.dumpEnded(true);

    assertThat(abandoned).doesNotExist();
    assertThat(recent).exists();
  }

  @Test
  void aRebuiltJarGetsAnotherArchive() throws Exception {
    Path trainer = jar("trainer.jar", "a");
    Path before = ClassArchive.of(classpath(trainer), dir).file().orElseThrow();

    Files.writeString(trainer, "rebuilt");

    assertThat(ClassArchive.of(classpath(trainer), dir).file().orElseThrow()).isNotEqualTo(before);
  }

  @Test
  void classpathsTheJdkCannotArchiveRunWithoutOne() throws Exception {
    Path classes = Files.createDirectory(dir.resolve("classes"));
    Path trainer = jar("trainer.jar", "a");

    assertThat(ClassArchive.of(classpath(classes, trainer), dir).options(0)).isEmpty();
    assertThat(ClassArchive.of(classpath(dir.resolve("missing.jar")), dir).options(0)).isEmpty();
    assertThat(ClassArchive.of(classpath(trainer), dir.resolve("absent")).options(0)).isEmpty();
  }
}
