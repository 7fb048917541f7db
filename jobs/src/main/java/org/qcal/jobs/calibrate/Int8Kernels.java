package org.qcal.jobs.calibrate;

import com.google.protobuf.InvalidProtocolBufferException;
import org.qcal.QcalException;
import org.qcal.onnx.KernelCensus;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.OptimizedModelWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads ONNX Runtime's optimized graph of an exported QDQ model and counts which quantized nodes
 * run int8 kernels ({@link KernelCensus}). At the EXTENDED level, where ORT applies its QDQ
 * fusions; the ALL level adds only layout transforms of this machine's CPU.
 */
public final class Int8Kernels {
  private static final Logger LOG = LoggerFactory.getLogger(Int8Kernels.class);

  private Int8Kernels() {}

  /** The census, or null (with a warning) when ORT cannot optimize the model here. */
  public static KernelCensus census(OnnxModel qdq, String modelName) {
    try {
      byte[] optimized = OptimizedModelWriter.optimize(
          ModelSource.of(modelName + " (int8)", qdq.toByteArray()), GraphOptLevel.EXTENDED);
      KernelCensus census = KernelCensus.of(qdq.graph(),
          ModelProto.parseFrom(optimized).getGraph());
      LOG.info("{}: {}", modelName, census.summary());
      return census;
    } catch (QcalException | InvalidProtocolBufferException e) {
      LOG.warn("{}: cannot tell which int8 kernels ONNX Runtime runs: {}", modelName,
          e.getMessage());
      return null;
    }
  }
}
