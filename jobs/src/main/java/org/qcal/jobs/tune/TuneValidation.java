package org.qcal.jobs.tune;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.io.LoadedInputModel;
import org.qcal.jobs.validate.Candidate;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.PreparedValidation;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.jobs.validate.Validator;
import org.qcal.runtime.RuntimeOptions;

/**
 * Validates exports against the FP32 model on tune's validation rows, read once: the same
 * model, data, gate and runtime for the first candidates, the sensitivity pass and every
 * fallback step.
 *
 * @param spark the session
 * @param fp32 the model as the user gave it, the reference
 * @param modelName its name in reports
 * @param runtime ONNX Runtime's options
 * @param data the validation rows, bound to the model's inputs
 * @param gate the budget
 */
record TuneValidation(SparkSession spark, LoadedInputModel fp32, String modelName,
    RuntimeOptions runtime, PassData data, Gate gate) {

  /**
   * One validation pass over {@code exports}; with {@code tensorErrors} false only the outputs
   * are compared (no per-tensor taps: cheaper, for the sensitivity candidates).
   */
  ValidationReport validate(List<QuantizedExport> exports, String source, boolean tensorErrors) {
    List<Candidate> candidates = new ArrayList<>();
    exports.forEach(e -> candidates.add(Candidate.of(e, source)));
    return Validator.run(spark, prepare(fp32, modelName, candidates, tensorErrors, runtime),
        data, gate);
  }

  /** The candidates checked against {@code fp32} and their tap models written. */
  static PreparedValidation prepare(LoadedInputModel fp32, String modelName,
      List<Candidate> candidates, boolean tensorErrors, RuntimeOptions runtime) {
    // The reference is the model as the user gave it, the candidates come from the folded one.
    return PreparedValidation.prepare(fp32.model(), modelName, fp32.digest(), candidates,
        tensorErrors, runtime);
  }
}
