package dev.emergent.trainer.cuda;

import java.util.List;

/** A CUDA library the backend calls through its C ABI, and the file names it goes by. */
enum CudaLibrary {
  DRIVER("the NVIDIA driver's CUDA library", "libcuda.so.1"),
  RUNTIME("the CUDA runtime", "libcudart.so.13", "libcudart.so.12"),
  CUBLAS("cuBLAS", "libcublas.so.13", "libcublas.so.12");

  private final String what;
  private final List<String> files;

  CudaLibrary(String what, String... files) {
    this.what = what;
    this.files = List.of(files);
  }

  String what() {
    return what;
  }

  /** The sonames to try, newest first: the kernels' PTX needs a CUDA 12 or newer driver. */
  List<String> files() {
    return files;
  }
}
