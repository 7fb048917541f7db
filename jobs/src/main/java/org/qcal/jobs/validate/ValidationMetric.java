package org.qcal.jobs.validate;

import java.util.Locale;
import org.qcal.jobs.api.BadArgument;

/** What the accuracy gate compares: {@code --metric top1|top5|agreement|sqnr}. */
public enum ValidationMetric {
  /** Top-1 accuracy against the labels, in %; the drop is in percentage points. */
  TOP1("top1"),
  /** Top-5 accuracy against the labels, in %; the drop is in percentage points. */
  TOP5("top5"),
  /** Share of rows whose top-1 equals the FP32 model's, in %; FP32 agrees 100 % with itself. */
  AGREEMENT("agreement"),
  /** SQNR in dB of the primary output against FP32's; gated by a floor, not by a drop. */
  SQNR("sqnr"),
  /** Share of argmax positions (steps, pixels) equal to FP32's, in %. */
  STEP_AGREEMENT("step-agreement"),
  /** Share of rows whose every per-step argmax equals FP32's (the same sequence), in %. */
  SEQUENCE_AGREEMENT("sequence-agreement"),
  /** Share of map elements on the same side of the threshold as FP32's, in %. */
  MAP_AGREEMENT("map-agreement"),
  /** IoU of the map's positive elements with FP32's, in %. */
  IOU("iou");

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
    return this == TOP1 || this == TOP5 || this == AGREEMENT;
  }

  /** Whether the metric is an agreement of the primary output with FP32's in %, FP32 100. */
  public boolean isOutputAgreement() {
    return this == STEP_AGREEMENT || this == SEQUENCE_AGREEMENT || this == MAP_AGREEMENT
        || this == IOU;
  }

  /** The default metric: top-1 with labels, agreement with FP32 without. */
  public static ValidationMetric defaultFor(boolean hasLabels) {
    return hasLabels ? TOP1 : AGREEMENT;
  }

  /** Parses a metric's id ({@code top1}, {@code iou}, ...), case-insensitively. */
  public static ValidationMetric parse(String id) {
    if (id != null) {
      String wanted = id.trim().toLowerCase(Locale.ROOT);
      for (ValidationMetric m : values()) {
        if (m.id.equals(wanted)) {
          return m;
        }
      }
    }
    throw new BadArgument("metric", "must be one of " + java.util.Arrays.stream(values())
        .map(ValidationMetric::id).toList() + ", got '" + id + "'");
  }

  @Override
  public String toString() {
    return id;
  }
}
