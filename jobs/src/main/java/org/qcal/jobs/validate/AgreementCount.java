package org.qcal.jobs.validate;

import java.util.Arrays;
import org.qcal.QcalException;
import org.qcal.metrics.OutputAgreement;

/**
 * Counts one batch of the primary output into an {@link OutputAgreement}, laid out by rank:
 * the class axis is the last of {@code [batch, C]} and {@code [batch, steps, C]} and axis 1 of
 * {@code [batch, C, H, W]}; maps count every element. The batch must be the first dim.
 */
public final class AgreementCount {
  /** A map element is positive above this, as a sigmoid output's p > 0.5. */
  static final float MAP_THRESHOLD = 0.5f;

  private AgreementCount() {}

  /** Whether {@code metric} can be measured on an output of declared rank {@code rank}. */
  static boolean supports(ValidationMetric metric, int rank) {
    return switch (metric) {
      case STEP_AGREEMENT -> rank >= 2 && rank <= 4;
      case SEQUENCE_AGREEMENT -> rank == 3;
      case MAP_AGREEMENT, IOU -> rank >= 2;
      default -> true;
    };
  }

  public static void count(ValidationMetric metric, OutputAgreement into, float[] ref, float[] cand,
      long[] shape, int rows, String output) {
    if (shape.length < 2 || shape[0] != rows) {
      throw new QcalException("output '" + output + "' has shape " + Arrays.toString(shape)
          + " for a batch of " + rows + " rows: --metric " + metric + " needs the batch first;"
          + " use --metric sqnr");
    }
    if (metric == ValidationMetric.MAP_AGREEMENT || metric == ValidationMetric.IOU) {
      into.updateMap(ref, cand, Math.toIntExact(rows * Arrays.stream(shape).skip(1)
          .reduce(1, (a, b) -> a * b)), MAP_THRESHOLD);
      return;
    }
    switch (shape.length) {
      case 2 -> into.updatePositions(ref, cand, rows, 1, (int) shape[1], 1);
      case 3 -> into.updatePositions(ref, cand, rows, (int) shape[1], (int) shape[2], 1);
      case 4 -> into.updatePositions(ref, cand, rows, 1, (int) shape[1],
          Math.toIntExact(shape[2] * shape[3]));
      default -> throw new IllegalStateException("rank " + shape.length + " for " + metric);
    }
  }
}
