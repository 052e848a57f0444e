package dev.emergent.trainer.tensor;

import dev.emergent.trainer.compute.Compute;
import dev.emergent.trainer.compute.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * All parameters of a model in one flat buffer, their gradients in another of the same layout, so
 * that the optimizer, gradient clipping, all-reduce and checkpoints each touch one array.
 */
public final class Parameters {
  private final Compute compute;
  private final List<Parameter> list;
  private final Tensor values;
  private final Tensor grads;
  private final Tensor decayMask;

  private Parameters(Compute compute, List<Parameter> list) {
    this.compute = compute;
    this.list = Collections.unmodifiableList(list);
    long total = list.stream().mapToLong(Parameter::length).sum();
    values = compute.zeros(total);
    grads = compute.zeros(total);
    decayMask = compute.zeros(total);
    long offset = 0;
    for (Parameter p : list) {
      p.bind(values.slice(offset, p.shape()), grads.slice(offset, p.shape()), offset);
      if (p.decay()) {
        compute.fill(decayMask.slice(offset, p.length()), 1);
      }
      offset += p.length();
    }
  }

  public static Builder builder(Compute compute) {
    return new Builder(compute);
  }

  /** The backend the parameters, and the layers that own them, compute on. */
  public Compute compute() {
    return compute;
  }

  public DataType dataType() {
    return compute.dataType();
  }

  public List<Parameter> list() {
    return list;
  }

  public long count() {
    return values.length();
  }

  public Tensor values() {
    return values;
  }

  public Tensor grads() {
    return grads;
  }

  /** 1 where weight decay applies, 0 elsewhere. */
  public Tensor decayMask() {
    return decayMask;
  }

  public void zeroGrads() {
    compute.fill(grads, 0);
  }

  /** Fills every parameter from a seeded generator, independent of ND4J's own RNG. */
  public void initialize(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Parameter p : list) {
      switch (p.init()) {
        case ZERO -> compute.fill(p.value(), 0);
        case ONE -> compute.fill(p.value(), 1);
        case NORMAL -> {
          // The full tensor is drawn and sliced, so that a sharded model starts as the whole one.
          double[] full = new double[(int) (p.length() * p.shard().count())];
          for (int i = 0; i < full.length; i++) {
            full[i] = gaussian(random) * p.std();
          }
          double[] mine = p.shard().whole() ? full : p.shard().slice(full, p.fullShape());
          compute.copy(compute.fromHost(mine, p.shape()), p.value());
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
    private final Compute compute;
    private final List<Parameter> list = new ArrayList<>();
    private boolean built;

    private Builder(Compute compute) {
      this.compute = compute;
    }

    /** The backend of the parameters being declared, which their layers compute on too. */
    public Compute compute() {
      return compute;
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
      return new Parameters(compute, list);
    }
  }
}
