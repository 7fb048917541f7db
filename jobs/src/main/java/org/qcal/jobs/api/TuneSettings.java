package org.qcal.jobs.api;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A tune run: calibrate on one dataset, validate every candidate on another, choose.
 *
 * @param calibration the calibration half (its {@code out} is not used)
 * @param validation the validation half: model, data, label, metric, budget ({@code out} and
 *     the candidate lists are not used)
 * @param maxFloatTensors how many tensors the fallback may keep in float, one step each
 * @param out the output folder
 * @param overwrite whether an existing output folder may be replaced
 */
public record TuneSettings(CalibrateSettings calibration, ValidateSettings validation,
    int maxFloatTensors, String out, boolean overwrite) implements Serializable {

  /** The fallback's default: a few tensors, each a pass over the validation data. */
  public static final int DEFAULT_MAX_FLOAT_TENSORS = 8;

  /** The paths this run reads, which its output folder must stay clear of. */
  public List<String> inputPaths() {
    List<String> paths = new ArrayList<>(calibration.inputPaths());
    paths.addAll(validation.inputPaths());
    return paths;
  }
}
