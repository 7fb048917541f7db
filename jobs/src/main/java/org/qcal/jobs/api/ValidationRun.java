package org.qcal.jobs.api;

import org.qcal.jobs.validate.ValidationReport;

/**
 * What a validate run returns. A failed gate is not an exception: check {@link #passed()}.
 *
 * @param report every candidate's metrics against FP32, best first
 * @param outputDir where validation.json was written, or null when no output was asked for
 */
public record ValidationRun(ValidationReport report, String outputDir) {
  public boolean passed() {
    return report.passed();
  }
}
