package org.qcal.jobs.api;

import java.util.List;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationReport;

/**
 * What a tune run returns; {@link #passed()} false means the chosen candidate is outside the
 * budget (exit code 3 on the command line).
 *
 * @param chosen the candidate whose model was chosen
 * @param passed whether it is within the budget
 * @param floatTensors tensors the fallback kept in float, in order
 * @param outputDir where everything was written, or null when no output was asked for
 * @param gate the budget applied
 * @param calibration the statistics, every candidate's export and the chosen one
 * @param report the validation of the first candidates (the fallback's steps come after)
 * @param sensitivity the float fallback's measured sensitivities, most sensitive first (empty
 *     when it did not run)
 * @param fallbackSteps the float fallback's steps, in order (empty when it did not run)
 */
public record TuneRun(CandidateResult chosen, boolean passed, List<String> floatTensors,
    String outputDir, Gate gate, CalibrationResult calibration, ValidationReport report,
    List<TensorSensitivity> sensitivity, List<FallbackStep> fallbackSteps) {

  public TuneRun {
    floatTensors = List.copyOf(floatTensors);
    sensitivity = List.copyOf(sensitivity);
    fallbackSteps = List.copyOf(fallbackSteps);
  }

  /** This run, its outputs written into {@code dir}. */
  public TuneRun withOutputDir(String dir) {
    return new TuneRun(chosen, passed, floatTensors, dir, gate, calibration, report, sensitivity,
        fallbackSteps);
  }
}
