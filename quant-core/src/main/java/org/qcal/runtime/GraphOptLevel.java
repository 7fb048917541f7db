package org.qcal.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Arrays;
import java.util.Locale;
import org.qcal.QcalException;

/**
 * ONNX Runtime's graph optimization levels, kept out of ORT's types so configuration code
 * (qcal.conf, CLI) can parse them without touching ORT.
 *
 * <p>{@code EXTENDED} is what a calibration pass wants: constant folding and fusions that keep
 * the float semantics. {@code ALL} adds layout transformations (NCHWc) tuned to the machine the
 * session runs on, so a model optimized with {@code ALL} should not be saved and moved elsewhere.
 */
public enum GraphOptLevel {
  NONE(OptLevel.NO_OPT),
  BASIC(OptLevel.BASIC_OPT),
  EXTENDED(OptLevel.EXTENDED_OPT),
  ALL(OptLevel.ALL_OPT);

  private final OptLevel ort;

  GraphOptLevel(OptLevel ort) {
    this.ort = ort;
  }

  /** ONNX Runtime's own constant for this level. */
  public OptLevel toOrt() {
    return ort;
  }

  /** Parses "none", "basic", "extended" or "all", ignoring case. */
  public static GraphOptLevel parse(String text) {
    if (text != null) {
      for (GraphOptLevel level : values()) {
        if (level.name().equalsIgnoreCase(text.trim())) {
          return level;
        }
      }
    }
    throw new QcalException("graph optimization level must be one of "
        + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", got " + text);
  }
}
