package org.qcal.jobs.validate;

import java.util.Locale;
import org.qcal.QcalException;

/** What the accuracy gate compares: {@code --metric top1|top5|agreement|sqnr}. */
public enum ValidationMetric {
  /** Top-1 accuracy against the labels, in %; the drop is in percentage points. */
  TOP1("top1"),
  /** Top-5 accuracy against the labels, in %; the drop is in percentage points. */
  TOP5("top5"),
  /** Share of rows whose top-1 equals the FP32 model's, in %; FP32 agrees 100 % with itself. */
  AGREEMENT("agreement"),
  /** SQNR in dB of the primary output against FP32's; gated by a floor, not by a drop. */
  SQNR("sqnr");

  private final String id;

  ValidationMetric(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Whether the metric compares predictions against labels. */
  public boolean needsLabels() {
    return this == TOP1 || this == TOP5;
  }

  /** Whether the metric needs class scores ([batch, C], C >= 2) from the primary output. */
  public boolean needsClassScores() {
    return this != SQNR;
  }

  /** The default metric: top-1 with labels, agreement with FP32 without. */
  public static ValidationMetric defaultFor(boolean hasLabels) {
    return hasLabels ? TOP1 : AGREEMENT;
  }

  /** Parses {@code top1}, {@code top5}, {@code agreement} or {@code sqnr}, case-insensitively. */
  public static ValidationMetric parse(String id) {
    if (id != null) {
      String wanted = id.trim().toLowerCase(Locale.ROOT);
      for (ValidationMetric m : values()) {
        if (m.id.equals(wanted)) {
          return m;
        }
      }
    }
    throw new QcalException("--metric must be one of top1, top5, agreement, sqnr, got '" + id
        + "'");
  }

  @Override
  public String toString() {
    return id;
  }
}
