package org.qcal.jobs;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.qcal.QcalException;
import org.qcal.jobs.io.HadoopModelFiles;
import org.qcal.onnx.ModelFiles;
import org.qcal.onnx.OnnxModel;
import org.qcal.runtime.ModelDigest;

/**
 * The user's FP32 model, read once through Hadoop's FileSystem, with the SHA-256 of the model
 * file's own bytes (what {@code sha256sum model.onnx} prints), for the outputs' provenance.
 */
record LoadedInputModel(OnnxModel model, String digest) {

  static LoadedInputModel load(String path, Configuration conf) {
    DigestingFiles files;
    try {
      files = new DigestingFiles(new HadoopModelFiles(path, conf));
    } catch (IOException e) {
      throw new QcalException("cannot open model " + path + ": " + e.getMessage(), e);
    }
    OnnxModel model = OnnxModel.load(files);
    return new LoadedInputModel(model, files.digest);
  }

  /** Hashes the model file as the ONNX layer reads it, so the file is read once. */
  private static final class DigestingFiles implements ModelFiles {
    private final ModelFiles files;
    private String digest;

    DigestingFiles(ModelFiles files) {
      this.files = files;
    }

    @Override
    public String modelName() {
      return files.modelName();
    }

    @Override
    public long modelSize() throws IOException {
      return files.modelSize();
    }

    @Override
    public byte[] readModel() throws IOException {
      byte[] bytes = files.readModel();
      digest = ModelDigest.sha256Hex(bytes);
      return bytes;
    }

    @Override
    public long size(String relativePath) throws IOException {
      return files.size(relativePath);
    }

    @Override
    public byte[] read(String relativePath, long offset, int length) throws IOException {
      return files.read(relativePath, offset, length);
    }

    @Override
    public String describe(String relativePath) {
      return files.describe(relativePath);
    }
  }
}
