package org.qcal.jobs.tune;

import java.util.Map;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.metrics.ErrorSums;

/** Hand-made validation results for the fallback's rules. */
final class TuneResults {
  /** 20 log10(2) dB: the SQNR of one output off by half its value. */
  static final double DB_PER_BIT = 20 * Math.log10(2);

  private TuneResults() {}

  /**
   * A top-1 result whose one output is 1 against FP32's 1 - 2^-bits: SQNR 10 log10(1 / 2^-2bits)
   * = {@code bits} x 6.0206 dB, exactly representable errors.
   */
  static CandidateResult result(String name, boolean passed, double value, double drop,
      int bits) {
    ErrorSums sums = new ErrorSums().update(new float[] {1f}, 0,
        new float[] {1f - (float) Math.scalb(1.0, -bits)}, 0, 1);
    return new CandidateResult(name, "test", "", 0, passed, value, drop, null, null,
        Map.of("out", sums), Map.of());
  }

  /** A result without data: output SQNR NaN. */
  static CandidateResult empty(String name) {
    return new CandidateResult(name, "test", "", 0, false, Double.NaN, Double.NaN, null, null,
        Map.of("out", new ErrorSums()), Map.of());
  }
}
