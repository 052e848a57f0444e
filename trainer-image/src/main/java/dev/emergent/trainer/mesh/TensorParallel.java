package dev.emergent.trainer.mesh;

import dev.emergent.trainer.compute.CpuTensor;
import dev.emergent.trainer.compute.Tensor;
import dev.emergent.trainer.tensor.Memory;
import dev.emergent.trainer.tensor.Parameter;
import dev.emergent.trainer.tensor.Parameters;
import dev.emergent.trainer.tensor.Shard;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model axis of a mesh, Megatron-style: each rank holds a slice of every attention and MLP
 * block (heads, and columns of the MLP's first layer), the blocks' outputs are summed over the axis
 * in the forward pass and their input gradients in the backward pass. Embeddings, layer norms and
 * the tied output head are replicated: at these vocabulary sizes a vocab-parallel head would trade
 * a few kilobytes of memory for two more collectives per step. The collectives run over TCP from
 * host memory: they take the CPU backend's tensors.
 */
public final class TensorParallel {
  private final ProcessGroup group;

  private TensorParallel(ProcessGroup group) {
    this.group = group;
  }

  public static TensorParallel single() {
    return new TensorParallel(null);
  }

  public static TensorParallel over(ProcessGroup group) {
    return new TensorParallel(group.size() == 1 ? null : group);
  }

  /** This rank's position along the model axis. */
  public int index() {
    return group == null ? 0 : group.index();
  }

  public int size() {
    return group == null ? 1 : group.size();
  }

  /** This rank's columns of a matrix whose columns form {@code groups} blocks. */
  public Shard columns(int groups) {
    return Shard.columns(groups, index(), size());
  }

  /** This rank's rows of a matrix (or elements of a vector) in {@code groups} blocks. */
  public Shard rows(int groups) {
    return Shard.rows(groups, index(), size());
  }

  /** Sums {@code x} over the model axis, in place. */
  public Tensor allReduce(Tensor x) {
    if (group == null) {
      return x;
    }
    INDArray array = CpuTensor.array(x);
    requireFloat(array.dataType());
    float[] data = new float[(int) array.length()];
    Memory.of(array).asFloatBuffer().get(data);
    group.allReduceSum(data);
    Memory.of(array).asFloatBuffer().put(data);
    return x;
  }

  /**
   * The squared L2 norm of the whole model's gradient: shards summed over the axis, replicated
   * tensors (the same on every rank) counted once.
   */
  public double gradNormSquared(Parameters parameters) {
    if (group == null) {
      return parameters.compute().sumOfSquares(parameters.grads());
    }
    double sharded = 0;
    double replicated = 0;
    for (Parameter p : parameters.list()) {
      double squares = parameters.compute().sumOfSquares(p.grad());
      if (p.shard().whole()) {
        replicated += squares;
      } else {
        sharded += squares;
      }
    }
    float[] total = {(float) sharded};
    group.allReduceSum(total);
    return total[0] + replicated;
  }

  /**
   * Assembles whole tensors from every rank's shards: {@code localFlat} laid out as {@code local},
   * {@code fullFlat} as {@code full} (the same model on one rank). Every rank gets the whole.
   */
  public void gather(Parameters local, Tensor localFlat, Parameters full, Tensor fullFlat) {
    assemble(local, localFlat, full, fullFlat, group::allGather);
  }

  /**
   * The same, assembled on the axis's first rank only, tensor by tensor: the others send their
   * shards and leave {@code fullFlat} untouched (it may be null there). What a checkpoint needs.
   */
  public void gatherToFirst(Parameters local, Tensor localFlat, Parameters full, Tensor fullFlat) {
    assemble(local, localFlat, full, index() == 0 ? fullFlat : null, part -> group.gather(part, 0));
  }

  /** {@code collect} turns this rank's part into every rank's, or null where nothing is kept. */
  private void assemble(
      Parameters local,
      Tensor localFlat,
      Parameters full,
      Tensor fullFlat,
      UnaryOperator<float[]> collect) {
    float[] source = CpuTensor.array(localFlat).data().asFloat();
    float[] target = fullFlat == null ? null : new float[(int) fullFlat.length()];
    for (int i = 0; i < local.list().size(); i++) {
      Parameter p = local.list().get(i);
      Parameter whole = full.list().get(i);
      float[] mine = new float[(int) p.length()];
      System.arraycopy(source, (int) p.offset(), mine, 0, mine.length);
      float[] assembled = mine;
      if (!p.shard().whole()) {
        float[] all = collect.apply(mine);
        if (all == null) {
          continue;
        }
        assembled = new float[(int) whole.length()];
        for (int r = 0; r < size(); r++) {
          float[] part = new float[mine.length];
          System.arraycopy(all, r * mine.length, part, 0, mine.length);
          new Shard(p.shard().dim(), p.shard().groups(), r, size())
              .place(part, assembled, whole.shape());
        }
      }
      if (target != null) {
        System.arraycopy(assembled, 0, target, (int) whole.offset(), assembled.length);
      }
    }
    if (target != null) {
      CpuTensor.array(fullFlat)
          .assign(Nd4j.create(target, new long[] {target.length}, DataType.FLOAT));
    }
  }

  /** This rank's shards of whole tensors: the inverse of {@link #gather}, without messages. */
  public static void scatter(Parameters full, Tensor fullFlat, Parameters local, Tensor localFlat) {
    float[] source = CpuTensor.array(fullFlat).data().asFloat();
    float[] target = new float[(int) localFlat.length()];
    for (int i = 0; i < local.list().size(); i++) {
      Parameter p = local.list().get(i);
      Parameter whole = full.list().get(i);
      float[] all = new float[(int) whole.length()];
      System.arraycopy(source, (int) whole.offset(), all, 0, all.length);
      float[] mine = p.shard().whole() ? all : p.shard().slice(all, whole.shape());
      System.arraycopy(mine, 0, target, (int) p.offset(), mine.length);
    }
    CpuTensor.array(localFlat)
        .assign(Nd4j.create(target, new long[] {target.length}, DataType.FLOAT));
  }

  private static void requireFloat(DataType type) {
    if (type != DataType.FLOAT) {
      throw new IllegalStateException("tensor-parallel activations are float32");
    }
  }
}
