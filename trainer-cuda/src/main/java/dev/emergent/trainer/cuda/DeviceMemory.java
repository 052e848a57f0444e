package dev.emergent.trainer.cuda;

import java.lang.foreign.MemorySegment;

/** Something in the GPU's memory that a kernel or cuBLAS can be given the address of. */
interface DeviceMemory {
  MemorySegment pointer();
}
