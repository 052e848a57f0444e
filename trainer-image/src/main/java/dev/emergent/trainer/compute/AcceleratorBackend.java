package dev.emergent.trainer.compute;

import dev.emergent.api.v1alpha1.Device;
import java.util.Map;

/**
 * A way to compute on a device other than the CPU, found with {@link java.util.ServiceLoader} so
 * that the trainer itself stays on Java 17: the CUDA backend lives in its own jar, built for the
 * Java release that has the foreign function API.
 */
public interface AcceleratorBackend {

  /** The mesh device this backend serves. */
  Device device();

  /**
   * Opens the accelerator of the rank whose launch environment is {@code env}.
   *
   * @throws AcceleratorUnavailableException naming what is missing on this machine
   */
  Accelerator open(Map<String, String> env);
}
