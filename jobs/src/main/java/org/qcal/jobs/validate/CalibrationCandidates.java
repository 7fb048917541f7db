package org.qcal.jobs.validate;

import java.util.ArrayList;
import java.util.List;
import org.qcal.QcalException;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.io.CalibrationFile;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.runtime.ModelDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidates of a calibrate or tune output folder: every export its calibration.json
 * records, rebuilt from the stored recipe and parameters on the same FP32 model, so each is
 * byte for byte the model calibrate or tune validated (the same sha256).
 */
public final class CalibrationCandidates {
  private static final Logger LOG = LoggerFactory.getLogger(CalibrationCandidates.class);

  private CalibrationCandidates() {}

  /** One candidate per export of a calibration result of {@code fp32} (a notebook's). */
  public static List<Candidate> candidates(CalibrationResult result, LoadedInputModel fp32) {
    requireSameModel(result.modelDigest(), "the calibration result", fp32);
    List<Candidate> candidates = new ArrayList<>();
    result.exports().forEach(e -> candidates.add(Candidate.of(e, "calibration result")));
    return candidates;
  }

  /** One candidate per export of {@code file}; fails unless it was made from {@code fp32}. */
  public static List<Candidate> candidates(CalibrationFile file, LoadedInputModel fp32) {
    requireSameModel(file.modelSha256(), file.path(), fp32);
    fp32 = file.smoothing().applyTo(fp32);
    List<Candidate> candidates = new ArrayList<>();
    for (CalibrationFile.StoredExport stored : file.exports()) {
      QuantizedExport export = QuantizedExport.withParams(stored.name(), fp32, stored.recipe(),
          stored.params(), file.biasShifts());
      if (!export.sha256().equals(stored.sha256())) {
        // Another qcal version exports differently; the parameters are still the file's.
        LOG.warn("{}: export {} rebuilt with sha256 {}, the file records {}", file.path(),
            stored.name(), ModelDigest.shortForm(export.sha256()),
            ModelDigest.shortForm(stored.sha256()));
      }
      candidates.add(Candidate.of(export, file.path() + "#" + stored.name()));
    }
    return candidates;
  }

  private static void requireSameModel(String sha256, String what, LoadedInputModel fp32) {
    if (!sha256.equals(fp32.digest())) {
      throw new QcalException(what + " was made from a model with sha256 "
          + ModelDigest.shortForm(sha256) + ", but the model " + fp32.model().name()
          + " has sha256 " + ModelDigest.shortForm(fp32.digest()));
    }
  }
}
