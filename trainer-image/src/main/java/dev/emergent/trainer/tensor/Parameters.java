package dev.emergent.trainer.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * All parameters of a model in one flat buffer, their gradients in another of the same layout, so
 * that the optimizer, gradient clipping, all-reduce and checkpoints each touch one array.
 */
public final class Parameters {
  private final DataType dataType;
  private final List<Parameter> list;
  private final INDArray values;
  private final INDArray grads;
  private final INDArray decayMask;

  private Parameters(DataType dataType, List<Parameter> list) {
    this.dataType = dataType;
    this.list = Collections.unmodifiableList(list);
    long total = list.stream().mapToLong(Parameter::length).sum();
    values = Nd4j.create(dataType, total);
    grads = Nd4j.create(dataType, total);
    decayMask = Nd4j.create(dataType, total);
    long offset = 0;
    for (Parameter p : list) {
      long end = offset + p.length();
      p.bind(
          values.get(NDArrayIndex.interval(offset, end)).reshape('c', p.shape()),
          grads.get(NDArrayIndex.interval(offset, end)).reshape('c', p.shape()),
          offset);
      if (p.decay()) {
        decayMask.get(NDArrayIndex.interval(offset, end)).assign(1);
      }
      offset = end;
    }
  }

  public static Builder builder(DataType dataType) {
    return new Builder(dataType);
  }

  public DataType dataType() {
    return dataType;
  }

  public List<Parameter> list() {
    return list;
  }

  public long count() {
    return values.length();
  }

  public INDArray values() {
    return values;
  }

  public INDArray grads() {
    return grads;
  }

  /** 1 where weight decay applies, 0 elsewhere. */
  public INDArray decayMask() {
    return decayMask;
  }

  public void zeroGrads() {
    grads.assign(0);
  }

  /** Fills every parameter from a seeded generator, independent of ND4J's own RNG. */
  public void initialize(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Parameter p : list) {
      switch (p.init()) {
        case ZERO -> p.value().assign(0);
        case ONE -> p.value().assign(1);
        case NORMAL -> {
          // The full tensor is drawn and sliced, so that a sharded model starts as the whole one.
          double[] full = new double[(int) (p.length() * p.shard().count())];
          for (int i = 0; i < full.length; i++) {
            full[i] = gaussian(random) * p.std();
          }
          double[] mine = p.shard().whole() ? full : p.shard().slice(full, p.fullShape());
          p.value().assign(Nd4j.create(mine, p.shape(), dataType));
        }
      }
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Collects parameter declarations; layers register theirs, then the buffers are allocated. */
  public static final class Builder {
    private final DataType dataType;
    private final List<Parameter> list = new ArrayList<>();
    private boolean built;

    private Builder(DataType dataType) {
      this.dataType = dataType;
    }

    public DataType dataType() {
      return dataType;
    }

    public Parameter matrix(String name, long rows, long cols, double std) {
      return matrix(name, rows, cols, std, Shard.WHOLE);
    }

    /** A matrix of which this rank holds {@code shard}; rows and cols are the local sizes. */
    public Parameter matrix(String name, long rows, long cols, double std, Shard shard) {
      return add(
          new Parameter(name, new long[] {rows, cols}, Parameter.Init.NORMAL, std, true, shard));
    }

    public Parameter vector(String name, long length, Parameter.Init init) {
      return vector(name, length, init, Shard.WHOLE);
    }

    /** A vector of which this rank holds {@code shard}; length is the local size. */
    public Parameter vector(String name, long length, Parameter.Init init, Shard shard) {
      return add(new Parameter(name, new long[] {length}, init, 0, false, shard));
    }

    private Parameter add(Parameter parameter) {
      if (built) {
        throw new IllegalStateException("parameters already built");
      }
      if (list.stream().anyMatch(p -> p.name().equals(parameter.name()))) {
        throw new IllegalArgumentException("duplicate parameter " + parameter.name());
      }
      list.add(parameter);
      return parameter;
    }

    public Parameters build() {
      built = true;
      return new Parameters(dataType, list);
    }
  }
}
