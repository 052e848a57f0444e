package dev.emergent.trainer.cuda;

/** A CUDA, cuBLAS or driver call that returned an error, named with its call and status. */
public class CudaException extends RuntimeException {
  public CudaException(String message) {
    super(message);
  }
}
