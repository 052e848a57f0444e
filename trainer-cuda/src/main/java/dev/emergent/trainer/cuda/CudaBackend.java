package dev.emergent.trainer.cuda;

import dev.emergent.api.v1alpha1.Device;
import dev.emergent.trainer.compute.Accelerator;
import dev.emergent.trainer.compute.AcceleratorBackend;
import java.util.Map;

/** The CUDA backend, found by the trainer through ServiceLoader when this jar is on its path. */
public final class CudaBackend implements AcceleratorBackend {
  @Override
  public Device device() {
    return Device.CUDA;
  }

  @Override
  public Accelerator open(Map<String, String> env) {
    return CudaDevice.open(env);
  }
}
