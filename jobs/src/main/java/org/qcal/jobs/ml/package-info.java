/**
 * qcal in Spark ML: {@link org.qcal.jobs.ml.QuantizationCalibrator}, an {@code Estimator} whose
 * {@code fit} runs the distributed calibration on the Dataset it is given, and {@link
 * org.qcal.jobs.ml.QuantizedOnnxModel}, the {@code Model} it returns: the int8 QDQ model and its
 * calibration, which {@code transform} runs on the executors (model bytes broadcast once, one
 * ONNX Runtime session per executor JVM and model, batches of {@code batchSize} rows; the
 * executor side is {@link org.qcal.jobs.spark.InferencePass}). The same transformer runs any
 * ONNX model ({@code QuantizedOnnxModel.fp32}, {@code withModel}), so FP32 and int8 can be
 * compared with Spark's evaluators. Both stages are {@code MLWritable} and load back with
 * {@code load(path)}, alone or inside a {@code Pipeline}.
 *
 * <p>Params follow Spark ML (setters chain, defaults from {@link org.qcal.jobs.api.Defaults}):
 * the calibrator's are those of {@link org.qcal.jobs.api.CalibrateSettings} and {@link
 * org.qcal.jobs.api.Recipe} under the same names, and both stages share {@link
 * org.qcal.jobs.ml.InferenceParams} ({@code feedDict}, {@code fetchDict}, {@code batchSize},
 * {@code argmaxCol}, {@code softmaxCol}, {@code scoresOutput}). See docs/DESIGN.md "Spark ML".
 */
package org.qcal.jobs.ml;

