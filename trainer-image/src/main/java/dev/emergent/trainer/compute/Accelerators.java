package dev.emergent.trainer.compute;

import dev.emergent.api.v1alpha1.Device;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/** Chooses what a rank computes on from the stage's mesh device. */
public final class Accelerators {
  private Accelerators() {}

  /**
   * Checks that the rank can compute on {@code device}. The CPU always can. An accelerator is
   * opened through its backend, so that a machine without it fails here, naming what is missing,
   * instead of training on the CPU while the pod holds idle GPUs; one that opens is refused as
   * well, since the model's layers do not run on accelerators yet.
   */
  public static void requireUsable(Device device, Map<String, String> env) {
    if (device == Device.CPU) {
      return;
    }
    String opened;
    try (Accelerator accelerator = backend(device).open(env)) {
      opened = accelerator.description();
    }
    throw new AcceleratorUnavailableException(
        "opened "
            + opened
            + ", but this trainer computes the model's layers on the CPU only; run the stage with"
            + " mesh.device: cpu");
  }

  static AcceleratorBackend backend(Device device) {
    for (AcceleratorBackend backend : ServiceLoader.load(AcceleratorBackend.class)) {
      if (backend.device() == device) {
        return backend;
      }
    }
    throw new AcceleratorUnavailableException(
        "mesh.device is "
            + name(device)
            + " but this trainer has no "
            + name(device)
            + " backend: it is the emergent-trainer-cuda jar, which needs Java 22 or newer (this"
            + " is Java "
            + Runtime.version().feature()
            + ") and must be on the class path beside the trainer");
  }

  private static String name(Device device) {
    return device.name().toLowerCase(Locale.ROOT);
  }
}
