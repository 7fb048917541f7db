/**
 * The ONNX model layer of qcal: reading models with qcal's own protobuf schema
 * ({@code src/main/proto/onnx_qcal.proto}, the field numbers of onnx.proto), finding what to
 * calibrate, writing the tap model the Spark passes run, and exporting the QDQ model.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.load(files);                  // ModelFiles: local, in memory, Hadoop
 * CalibrationPlan plan = GraphAnalyzer.analyze(model, selection, true);
 * TapModel tap = TapAugmenter.augment(model, plan);         // broadcast tap.toByteArray()
 * ... executors: stats per plan.tappedTensors(), read from tap.tapOutputs() ...
 * QdqModel qdq = QdqExporter.export(model, plan, paramsByTappedTensor, WeightQuantization.DEFAULT);
 * }</pre>
 *
 * Nothing here depends on Spark or Hadoop: the jobs module supplies a {@link
 * org.qcal.onnx.ModelFiles} over Hadoop's FileSystem.
 */
package org.qcal.onnx;

