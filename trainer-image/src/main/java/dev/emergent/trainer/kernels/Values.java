package dev.emergent.trainer.kernels;

import dev.emergent.trainer.tensor.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Element access to a float or double array for the scalar reference kernels, in double. */
abstract class Values {
  static Values of(INDArray array) {
    ByteBuffer memory = Memory.of(array);
    if (array.dataType() == DataType.FLOAT) {
      return new Values() {
        @Override
        double get(int i) {
          return memory.getFloat(i << 2);
        }

        @Override
        void set(int i, double value) {
          memory.putFloat(i << 2, (float) value);
        }
      };
    }
    if (array.dataType() == DataType.DOUBLE) {
      return new Values() {
        @Override
        double get(int i) {
          return memory.getDouble(i << 3);
        }

        @Override
        void set(int i, double value) {
          memory.putDouble(i << 3, value);
        }
      };
    }
    throw new IllegalArgumentException(
        "fused kernels support FLOAT and DOUBLE, not " + array.dataType());
  }

  static Values of(float[] array) {
    return new Values() {
      @Override
      double get(int i) {
        return array[i];
      }

      @Override
      void set(int i, double value) {
        array[i] = (float) value;
      }
    };
  }

  abstract double get(int i);

  abstract void set(int i, double value);

  void add(int i, double value) {
    set(i, get(i) + value);
  }
}
