package dev.emergent.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryCacheTest {
  private Properties saved;

  @BeforeEach
  void save() {
    saved = (Properties) System.getProperties().clone();
    System.clearProperty(NativeLibraryCache.PROPERTY);
  }

  @AfterEach
  void restore() {
    System.setProperties(saved);
  }

  @Test
  void aHomeThatCannotBeWrittenSendsTheCacheToTheTemporaryFolder(@TempDir Path tmp) {
    System.setProperty("user.home", "/proc/emergent-has-no-home");
    System.setProperty("java.io.tmpdir", tmp.toString());

    NativeLibraryCache.useWritableFolder();

    assertThat(System.getProperty(NativeLibraryCache.PROPERTY))
        .isEqualTo(tmp.resolve("javacpp-cache").toString());
  }

  @Test
  void aWritableHomeOrAConfiguredCacheIsLeftAlone(@TempDir Path home) {
    System.setProperty("user.home", home.toString());
    NativeLibraryCache.useWritableFolder();
    assertThat(System.getProperty(NativeLibraryCache.PROPERTY)).isNull();

    System.setProperty(NativeLibraryCache.PROPERTY, "/opt/cache");
    System.setProperty("user.home", "/proc/emergent-has-no-home");
    NativeLibraryCache.useWritableFolder();
    assertThat(System.getProperty(NativeLibraryCache.PROPERTY)).isEqualTo("/opt/cache");
  }
}
