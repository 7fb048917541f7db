package org.qcal.jobs.spark;

import org.qcal.QcalException;
import org.qcal.jobs.data.BadRow;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.ErrorSums;
import org.qcal.metrics.OutputAgreement;

/**
 * What one partition of the validation pass returns, and what its tree reduction merges: rows
 * seen; the FP32 model's classification counts; per candidate its classification counts, its
 * output agreement, its error sums per compared output and per quantized tensor. Every field
 * merges exactly (long counts, exact sums), so the merged result does not depend on partitioning
 * or merge order. A partition that meets a bad input row returns it ({@link BadRow}) instead of
 * failing; the merge keeps the earliest, and the driver throws it ({@link #requireNoBadRow()}).
 *
 * <p><b>Byte layout</b> of {@link #toByteArray()}, little endian ({@link PartialLayout}): a
 * <i>part</i> is an int32 length {@code L}, then {@code L} bytes in that class's own layout; an
 * <i>array</i> is an int32 count {@code c}, then {@code c} parts.
 *
 * <pre>
 * size    field
 * 4       preamble: format version (1), family (6 = ValidationPartial), reserved 0 (2 bytes)
 * 8       rows (int64)
 * 8       referenceNanos: task CPU time in the FP32 forwards (int64)
 * 8       candidateNanos: in the candidates' forwards (int64)
 * 8       metricNanos: in the metrics (int64)
 * part    the bad row in BadRow's layout; length 0 when there is none
 * part    reference: the FP32 model's ClassificationCounts
 * 4       n: candidates (int32), then for each candidate k = 0 .. n-1:
 * part      counts[k]: ClassificationCounts
 * part      agreement[k]: OutputAgreement
 * array     outputs[k]: ErrorSums per compared output
 * array     tensors[k]: ErrorSums per quantized tensor of candidate k
 * </pre>
 *
 * <p>It travels as these bytes: Spark's Kryo by {@link QcalKryoRegistrator}'s serializer.
 */
public final class ValidationPartial implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  long rows;
  public final ClassificationCounts reference;
  public final ClassificationCounts[] counts;
  /** Per candidate, the primary output's agreement with FP32 (for the output-agreement gates). */
  public final OutputAgreement[] agreement;
  /** [candidate][output]. */
  public final ErrorSums[][] outputs;
  /** [candidate][tensor of that candidate]. */
  public final ErrorSums[][] tensors;
  /**
   * Task-thread CPU time in the FP32 forwards (with taps), the candidates' forwards and the
   * metrics: for logs and benchmarks, never in the report's file.
   */
  public long referenceNanos;
  public long candidateNanos;
  public long metricNanos;
  BadRow badRow;

  /** An empty partial for candidates with {@code tensorCounts[k]} tensors and {@code outputs}. */
  ValidationPartial(int outputCount, int[] tensorCounts) {
    this(new ClassificationCounts(), new ClassificationCounts[tensorCounts.length],
        new OutputAgreement[tensorCounts.length], new ErrorSums[tensorCounts.length][outputCount],
        new ErrorSums[tensorCounts.length][]);
    for (int k = 0; k < tensorCounts.length; k++) {
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

  private ValidationPartial(ClassificationCounts reference, ClassificationCounts[] counts,
      OutputAgreement[] agreement, ErrorSums[][] outputs, ErrorSums[][] tensors) {
    this.reference = reference;
    this.counts = counts;
    this.agreement = agreement;
    this.outputs = outputs;
    this.tensors = tensors;
  }

  /** Merges {@code other} into this one and returns this. */
  public ValidationPartial merge(ValidationPartial other) {
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

  public long rows() {
    return rows;
  }

  /** Java serialization carries the layout below, never the fields (see LayoutProxy). */
  private Object writeReplace() {
    return new LayoutProxy(LayoutProxy.Kind.VALIDATION, toByteArray());
  }

  /** The documented layout (class comment). */
  public byte[] toByteArray() {
    PartialLayout.Writer out = new PartialLayout.Writer(PartialLayout.VALIDATION)
        .putLong(rows).putLong(referenceNanos).putLong(candidateNanos).putLong(metricNanos)
        .badRow(badRow).part(reference.toByteArray()).putInt(counts.length);
    for (int k = 0; k < counts.length; k++) {
      out.part(counts[k].toByteArray()).part(agreement[k].toByteArray())
          .parts(outputs[k], ErrorSums::toByteArray).parts(tensors[k], ErrorSums::toByteArray);
    }
    return out.toByteArray();
  }

  /** Reads {@link #toByteArray()}'s layout; malformed bytes give an IllegalArgumentException. */
  public static ValidationPartial fromByteArray(byte[] bytes) {
    return PartialLayout.read(bytes, PartialLayout.VALIDATION, "ValidationPartial", in -> {
      long rows = in.getLong();
      long referenceNanos = in.getLong();
      long candidateNanos = in.getLong();
      long metricNanos = in.getLong();
      BadRow badRow = in.badRow();
      ClassificationCounts reference = in.part(ClassificationCounts::fromByteArray);
      int n = in.count("candidates");
      ValidationPartial p = new ValidationPartial(reference, new ClassificationCounts[n],
          new OutputAgreement[n], new ErrorSums[n][], new ErrorSums[n][]);
      for (int k = 0; k < n; k++) {
        p.counts[k] = in.part(ClassificationCounts::fromByteArray);
        p.agreement[k] = in.part(OutputAgreement::fromByteArray);
        p.outputs[k] = in.parts(ErrorSums::fromByteArray, ErrorSums[]::new, "outputs");
        p.tensors[k] = in.parts(ErrorSums::fromByteArray, ErrorSums[]::new, "tensors");
      }
      p.rows = rows;
      p.referenceNanos = referenceNanos;
      p.candidateNanos = candidateNanos;
      p.metricNanos = metricNanos;
      p.badRow = badRow;
      return p;
    });
  }
}
