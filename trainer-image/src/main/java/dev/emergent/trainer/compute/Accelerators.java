package dev.emergent.trainer.compute;

import dev.emergent.api.v1alpha1.Device;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.nd4j.linalg.api.buffer.DataType;

/** Chooses what a rank computes on from the stage's mesh device. */
public final class Accelerators {
  private Accelerators() {}

  /**
   * What a rank trains on for {@code device}: the CPU backend in float32 on {@code cpu}. An
   * accelerator is opened through its backend, so that a machine without it fails here, naming what
   * is missing, instead of training on the CPU while the pod holds idle GPUs; one that opens is
   * refused as well, since no accelerator backend has been checked on a device yet.
   */
  public static Compute compute(Device device, Map<String, String> env) {
    if (device == Device.CPU) {
      return Compute.cpu(DataType.FLOAT);
    }
    String opened;
    try (Accelerator accelerator = backend(device).open(env)) {
      opened = accelerator.description();
    }
    throw new AcceleratorUnavailableException(
        "opened "
            + opened
            + ", but the "
            + name(device)
            + " backend has not yet passed its device check (bench/cuda-device-check) on a GPU,"
            + " so it does not train; run the stage with mesh.device: cpu");
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
