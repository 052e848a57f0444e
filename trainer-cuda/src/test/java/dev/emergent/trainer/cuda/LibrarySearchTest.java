package dev.emergent.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibrarySearchTest {
  @TempDir Path dir;

  @Test
  void theUsersFoldersComeFirstThenTheToolkitThenPythonWheels() throws IOException {
    Path wheels = dir.resolve("python3.12/site-packages/nvidia");
    Files.createDirectories(wheels.resolve("cublas/lib"));
    Files.createDirectories(wheels.resolve("cu13/lib"));
    Files.createDirectories(wheels.resolve("nccl"));

    LibrarySearch search =
        LibrarySearch.of(
            Map.of(LibrarySearch.PATH, "/opt/a::/opt/b", "CUDA_HOME", "/opt/cuda"), List.of(dir));

    assertThat(search.directories())
        .containsExactly(
            Path.of("/opt/a"),
            Path.of("/opt/b"),
            Path.of("/opt/cuda/lib64"),
            Path.of("/usr/local/cuda/lib64"),
            wheels.resolve("cu13/lib"),
            wheels.resolve("cublas/lib"));
  }

  @Test
  void aLibraryIsLoadedFromTheFirstFolderThatHasIt() throws IOException {
    Path runtime = Path.of("/usr/local/cuda/lib64/libcudart.so.13");
    assumeTrue(Files.isRegularFile(runtime), "needs the CUDA 13 toolkit's runtime");
    Path folder = Files.createDirectories(dir.resolve("first"));
    Files.createSymbolicLink(folder.resolve("libcudart.so.13"), runtime);

    NativeLibrary library =
        new LibrarySearch(List.of(folder, runtime.getParent())).load(CudaLibrary.RUNTIME);

    assertThat(library.file()).isEqualTo(folder.resolve("libcudart.so.13").toString());
    assertThat(library.symbols().find("cudaGetDeviceCount")).isPresent();
  }

  @Test
  void aMissingLibraryIsNamedWithEveryPlaceSearched() {
    assumeTrue(notOnTheLoadersPath("libcublas.so.13") && notOnTheLoadersPath("libcublas.so.12"));

    assertThatThrownBy(() -> new LibrarySearch(List.of(dir)).load(CudaLibrary.CUBLAS))
        .isInstanceOf(AcceleratorUnavailableException.class)
        .hasMessage(
            "cannot use cuda: cuBLAS (libcublas.so.13 or libcublas.so.12) is in none of ["
                + dir
                + "] nor on the dynamic loader's path (LD_LIBRARY_PATH, ldconfig); set"
                + " EMERGENT_CUDA_LIBRARY_PATH to the folder that has it");
  }

  static boolean notOnTheLoadersPath(String file) {
    try {
      SymbolLookup.libraryLookup(file, Arena.global());
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
