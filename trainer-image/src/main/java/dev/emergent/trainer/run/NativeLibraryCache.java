package dev.emergent.trainer.run;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JavaCPP unpacks the native libraries of ND4J and OpenBLAS into a cache under the user's home. In
 * a pod the root filesystem is read-only and the trainer's uid may have no home, so there the cache
 * goes to the temporary folder (an emptyDir), which is always writable.
 */
final class NativeLibraryCache {
  static final String PROPERTY = "org.bytedeco.javacpp.cachedir";

  private NativeLibraryCache() {}

  /** Points JavaCPP at a writable cache unless one is configured; call before ND4J loads. */
  static void useWritableFolder() {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    Path home = Path.of(System.getProperty("user.home", "/"));
    if (!Files.isWritable(home)) {
      System.setProperty(
          PROPERTY, Path.of(System.getProperty("java.io.tmpdir"), "javacpp-cache").toString());
    }
  }
}
