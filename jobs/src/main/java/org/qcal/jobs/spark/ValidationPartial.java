package org.qcal.jobs.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.OutputAgreement;
import org.qcal.metrics.ErrorSums;

/**
 * What one partition of the validation pass returns, and what its tree reduction merges: rows
 * seen; the FP32 model's classification counts; per candidate its classification counts, its
 * error sums per compared output and per quantized tensor. Every field merges exactly (long
 * counts, exact sums), so the merged result does not depend on partitioning or merge order.
 *
 * <p>Travels between tasks as bytes ({@link #toBytes()}: Java serialization of this object),
 * since the metric classes carry {@code ExactSum}s that have no Kryo serializer. The bad row (see
 * {@link BadRow}: a partition that meets one returns it instead of failing, the merge keeps the
 * earliest) is written in its own byte layout within those bytes, not by Java serialization.
 */
public final class ValidationPartial implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  public final ClassificationCounts reference = new ClassificationCounts();
  public final ClassificationCounts[] counts;
  /** [candidate][output]. */
  public final ErrorSums[][] outputs;
  /** [candidate][tensor of that candidate]. */
  public final ErrorSums[][] tensors;
  /** Per candidate, the primary output's agreement with FP32 (for the output-agreement gates). */
  public final OutputAgreement[] agreement;
  /**
   * Task-thread CPU time in the FP32 forwards (with taps), the candidates' forwards and the
   * metrics: for logs and benchmarks, never in the report's file.
   */
  public long referenceNanos;
  public long candidateNanos;
  public long metricNanos;
  transient BadRow badRow;

  /** An empty partial for candidates with {@code tensorCounts[k]} tensors and {@code outputs}. */
  ValidationPartial(int outputCount, int[] tensorCounts) {
    int n = tensorCounts.length;
    counts = new ClassificationCounts[n];
    outputs = new ErrorSums[n][outputCount];
    tensors = new ErrorSums[n][];
    agreement = new OutputAgreement[n];
    for (int k = 0; k < n; k++) {
      counts[k] = new ClassificationCounts();
      agreement[k] = new OutputAgreement();
      for (int o = 0; o < outputCount; o++) {
        outputs[k][o] = new ErrorSums();
      }
      tensors[k] = new ErrorSums[tensorCounts[k]];
      for (int t = 0; t < tensorCounts[k]; t++) {
        tensors[k][t] = new ErrorSums();
      }
    }
  }

  /** Merges {@code other} into this one and returns this. */
  ValidationPartial merge(ValidationPartial other) {
    rows += other.rows;
    reference.merge(other.reference);
    for (int k = 0; k < counts.length; k++) {
      counts[k].merge(other.counts[k]);
      agreement[k].merge(other.agreement[k]);
      for (int o = 0; o < outputs[k].length; o++) {
        outputs[k][o].merge(other.outputs[k][o]);
      }
      for (int t = 0; t < tensors[k].length; t++) {
        tensors[k][t].merge(other.tensors[k][t]);
      }
    }
    referenceNanos += other.referenceNanos;
    candidateNanos += other.candidateNanos;
    metricNanos += other.metricNanos;
    badRow = BadRow.earlier(badRow, other.badRow);
    return this;
  }

  /** Returns this, or throws the bad row of the data as the one-line error it is. */
  public ValidationPartial requireNoBadRow() {
    if (badRow != null) {
      throw new QcalException(badRow.message());
    }
    return this;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    byte[] bad = badRow == null ? new byte[0] : badRow.toByteArray();
    out.writeInt(bad.length);
    out.write(bad);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    byte[] bad = new byte[in.readInt()];
    in.readFully(bad);
    badRow = bad.length == 0 ? null : BadRow.fromByteArray(bad);
  }

  public long rows() {
    return rows;
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a validation partial", e);
    }
    return bytes.toByteArray();
  }

  public static ValidationPartial fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (ValidationPartial) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read a validation partial", e);
    }
  }

  /** Resolves classes with qcal's own loader (the application jar's, on an executor). */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    LoaderObjectInputStream(ByteArrayInputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, ValidationPartial.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }

  /** Merges two serialized partials: the tree reduction's function. */
  public static byte[] mergeBytes(byte[] a, byte[] b) {
    return fromBytes(a).merge(fromBytes(b)).toBytes();
  }
}
