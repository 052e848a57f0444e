package dev.emergent.trainer.compute;

/** A rank's opened accelerator (one GPU): held while the rank computes on it. */
public interface Accelerator extends AutoCloseable {

  /** What was opened, e.g. "cuda device 0: NVIDIA H200, sm_90, 139.8 GiB, driver 13.0". */
  String description();

  @Override
  void close();
}
