package dev.emergent.trainer.checkpoint;

import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.io.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw array files: the tensors' memory as is (little-endian on x86), fsynced, hashed. Files are
 * written from and read into host memory, so the tensors are the CPU backend's.
 */
final class ArrayFiles {
  private ArrayFiles() {}

  /** Writes the arrays one after another to {@code file} and returns the file's SHA-256. */
  static String write(Path file, Tensor... tensors) throws IOException {
    MessageDigest digest = Sha256.digest();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (Tensor tensor : tensors) {
        ByteBuffer bytes = CpuTensor.array(tensor).data().asNio();
        digest.update(bytes.duplicate());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      channel.force(true);
    }
    return Sha256.hex(digest);
  }

  /** Fills the arrays from {@code file}, which must hold exactly their bytes. */
  static void read(Path file, Tensor... tensors) throws IOException {
    INDArray[] arrays = new INDArray[tensors.length];
    for (int i = 0; i < tensors.length; i++) {
      arrays[i] = CpuTensor.array(tensors[i]);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long expected = 0;
      for (INDArray array : arrays) {
        expected += array.length() * array.dataType().width();
      }
      if (channel.size() != expected) {
        throw new CheckpointException(
            file + " holds " + channel.size() + " bytes, expected " + expected);
      }
      for (INDArray array : arrays) {
        ByteBuffer bytes = array.data().asNio();
        while (bytes.hasRemaining()) {
          if (channel.read(bytes) < 0) {
            throw new CheckpointException(file + " ended early");
          }
        }
      }
    }
  }
}
