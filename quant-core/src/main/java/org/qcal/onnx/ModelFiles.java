package org.qcal.onnx;

import java.io.IOException;

/**
 * Byte access to an ONNX model file and the files next to it (external tensor data), so that the
 * ONNX layer never depends on where the model lives. quant-core ships {@link LocalModelFiles}
 * (java.nio) and {@link InMemoryModelFiles}; the jobs module adds one over Hadoop's FileSystem for
 * {@code hdfs://}, {@code s3a://} and the like.
 *
 * <p>Relative paths given to {@link #size(String)} and {@link #read(String, long, int)} have
 * already been checked by {@link ExternalDataLocation}: POSIX separators, no {@code ..}, not
 * absolute, so an implementation only joins them to the model's folder.
 */
public interface ModelFiles {

  /** The model file as users know it (a path or URI), used in every error message. */
  String modelName();

  /** Size in bytes of the model file itself. */
  long modelSize() throws IOException;

  /** The whole model file; only called once {@link #modelSize()} is known to fit an array. */
  byte[] readModel() throws IOException;

  /** Size in bytes of a file in the model's folder. */
  long size(String relativePath) throws IOException;

  /** {@code length} bytes at {@code offset} of a file in the model's folder. */
  byte[] read(String relativePath, long offset, int length) throws IOException;

  /** The name of a file in the model's folder as users would write it, for messages. */
  default String describe(String relativePath) {
    String model = modelName();
    int slash = Math.max(model.lastIndexOf('/'), model.lastIndexOf('\\'));
    return slash < 0 ? relativePath : model.substring(0, slash + 1) + relativePath;
  }
}
