package dev.emergent.trainer.cuda;

import dev.emergent.trainer.compute.AcceleratorUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the CUDA libraries are looked for: {@value #PATH} first, then the CUDA toolkit, then the
 * {@code nvidia-*} Python wheels (where a machine with PyTorch keeps cuBLAS), and last the dynamic
 * loader's own path (LD_LIBRARY_PATH, ldconfig), where the driver's libcuda.so.1 lives.
 */
record LibrarySearch(List<Path> directories) {

  /** Folders, separated by ':', searched before any other. */
  static final String PATH = "EMERGENT_CUDA_LIBRARY_PATH";

  private static final List<String> PYTHON_ROOTS =
      List.of("/usr/lib/python3/dist-packages", "/usr/local/lib", "/usr/lib", "/opt/conda/lib");

  LibrarySearch {
    directories = List.copyOf(directories);
  }

  static LibrarySearch of(Map<String, String> env) {
    return of(env, PYTHON_ROOTS.stream().map(Path::of).toList());
  }

  /** As {@link #of(Map)}, looking for Python packages under {@code pythonRoots}. */
  static LibrarySearch of(Map<String, String> env, List<Path> pythonRoots) {
    List<Path> directories = new ArrayList<>();
    for (String entry : env.getOrDefault(PATH, "").split(":")) {
      if (!entry.isBlank()) {
        directories.add(Path.of(entry));
      }
    }
    String cudaHome = env.get("CUDA_HOME");
    if (cudaHome != null) {
      directories.add(Path.of(cudaHome, "lib64"));
    }
    directories.add(Path.of("/usr/local/cuda/lib64"));
    pythonRoots.forEach(root -> directories.addAll(wheelLibraries(root)));
    return new LibrarySearch(directories);
  }

  /** Loads {@code library} from the first folder that has one of its files, else by soname. */
  NativeLibrary load(CudaLibrary library) {
    for (Path directory : directories) {
      for (String file : library.files()) {
        Path candidate = directory.resolve(file);
        if (Files.isRegularFile(candidate)) {
          return new NativeLibrary(
              candidate.toString(), SymbolLookup.libraryLookup(candidate, Arena.global()));
        }
      }
    }
    for (String file : library.files()) {
      try {
        return new NativeLibrary(file, SymbolLookup.libraryLookup(file, Arena.global()));
      } catch (IllegalArgumentException notOnTheLoadersPath) {
        // the next soname may be there
      }
    }
    throw new AcceleratorUnavailableException(
        "cannot use cuda: "
            + library.what()
            + " ("
            + String.join(" or ", library.files())
            + ") is in none of "
            + directories
            + " nor on the dynamic loader's path (LD_LIBRARY_PATH, ldconfig); set "
            + PATH
            + " to the folder that has it");
  }

  /** lib folders of nvidia-* wheels under python3.X/{site,dist}-packages/nvidia/ of a root. */
  private static List<Path> wheelLibraries(Path root) {
    List<Path> found = new ArrayList<>();
    for (Path packages : pythonPackages(root)) {
      Path nvidia = packages.resolve("nvidia");
      if (Files.isDirectory(nvidia)) {
        try (Stream<Path> children = Files.list(nvidia)) {
          children
              .sorted()
              .map(child -> child.resolve("lib"))
              .filter(Files::isDirectory)
              .forEach(found::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return found;
  }

  private static List<Path> pythonPackages(Path root) {
    if (root.endsWith("dist-packages")) {
      return List.of(root);
    }
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> packages = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      children
          .filter(child -> child.getFileName().toString().startsWith("python3"))
          .sorted()
          .forEach(
              python -> {
                packages.add(python.resolve("site-packages"));
                packages.add(python.resolve("dist-packages"));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return packages;
  }
}
