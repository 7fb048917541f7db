package org.qcal.jobs.io;

import java.io.IOException;
import java.util.List;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.report.CandidateRow;
import org.qcal.jobs.report.HtmlReport;

/**
 * The one writer of a calibration's outputs, for calibrate and tune alike: model.int8.onnx,
 * calibration.cache and calibration.json's chosen parameters all come from the result's chosen
 * export (recipe, statistics and model), so they always describe the same quantized model.
 */
public final class CalibrationOutputs {
  public static final String CALIBRATION_JSON = "calibration.json";
  public static final String TENSORRT_CACHE = "calibration.cache";
  public static final String QDQ_MODEL = "model.int8.onnx";
  public static final String REPORT = "report.html";

  private CalibrationOutputs() {}

  /**
   * Writes the four files into {@code out} (not committed: the caller may add more).
   *
   * @param candidates validated candidates for the report, best first; empty without validation
   * @param verdict the report's one-line summary
   */
  public static void write(AtomicOutputDir out, CalibrationResult result,
      List<CandidateRow> candidates, String verdict) throws IOException {
    out.write(CALIBRATION_JSON, CalibrationJson.write(result));
    out.write(TENSORRT_CACHE, TensorRtCache.write(result.chosen().amax(result.tensors()),
        TensorRtCache.DEFAULT_VERSION));
    out.write(QDQ_MODEL, result.quantizedModel());
    out.write(REPORT, HtmlReport.write(result, candidates, verdict));
  }
}
