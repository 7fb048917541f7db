package org.qcal.jobs.validate;

import org.qcal.runtime.TensorSpec;

/**
 * What a model's primary output is, from its declared shape, and so which agreement with FP32
 * a gate uses when no metric is given: class scores {@code [batch, C]} (top-1 agreement);
 * per-step classes {@code [batch, steps, C]}, a CRNN's per-step softmax (step agreement);
 * per-pixel classes {@code [batch, C, H, W]} (step agreement over pixels); a dense map {@code
 * [batch, 1, H, W]} or {@code [batch, H, 1]}, a segmentation mask (IoU); a score per row {@code
 * [batch]} or {@code [batch, 1]}, and any other shape (SQNR). A dynamic dim counts as more than
 * one; a map without a channel dim, {@code [batch, H, W]}, reads as per-step classes, so give
 * {@code --metric iou} for it.
 */
public enum OutputKind {
  CLASS_SCORES("class scores [batch, C]", ValidationMetric.AGREEMENT),
  STEP_CLASSES("per-step classes [batch, steps, C]", ValidationMetric.STEP_AGREEMENT),
  PIXEL_CLASSES("per-pixel classes [batch, C, H, W]", ValidationMetric.STEP_AGREEMENT),
  MAP("a dense map [batch, 1, H, W]", ValidationMetric.IOU),
  SCALAR("a score per row [batch] or [batch, 1]", ValidationMetric.SQNR),
  OTHER("a tensor without a class or map layout", ValidationMetric.SQNR);

  private final String description;
  private final ValidationMetric defaultMetric;

  OutputKind(String description, ValidationMetric defaultMetric) {
    this.description = description;
    this.defaultMetric = defaultMetric;
  }

  /** The kind of an output declared as {@code spec} (dynamic dims are -1). */
  public static OutputKind of(TensorSpec spec) {
    long[] s = spec.shape();
    return switch (s.length) {
      case 1 -> SCALAR;
      case 2 -> s[1] == 1 ? SCALAR : CLASS_SCORES;
      case 3 -> s[2] == 1 ? MAP : STEP_CLASSES;
      case 4 -> s[1] == 1 ? MAP : PIXEL_CLASSES;
      default -> OTHER;
    };
  }

  /** The metric a gate uses for this kind when no metric and no labels are given. */
  public ValidationMetric defaultMetric() {
    return defaultMetric;
  }

  public String description() {
    return description;
  }
}
