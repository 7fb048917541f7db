package org.qcal.jobs.io;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.qcal.QcalException;
import org.qcal.onnx.BatchNormFolding;
import org.qcal.onnx.ModelFiles;
import org.qcal.onnx.NodeSelection;
import org.qcal.onnx.OnnxModel;
import org.qcal.runtime.ModelDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's FP32 model, read once through Hadoop's FileSystem, with the SHA-256 of the model
 * file's own bytes (what {@code sha256sum model.onnx} prints), for the outputs' provenance; and
 * the same model as qcal calibrates and quantizes it: each BatchNormalization folded into the
 * Conv before it ({@link BatchNormFolding}), so that the tensor calibrated is the one a deployed
 * int8 Conv writes. Validation compares against the model as the user gave it.
 *
 * @param folding the model to calibrate and export, and the nodes folded away
 */
public record LoadedInputModel(OnnxModel model, String digest, BatchNormFolding.Result folding) {
  private static final Logger LOG = LoggerFactory.getLogger(LoadedInputModel.class);

  /** Reads an FP32 model to calibrate, validate against, or both. */
  public static LoadedInputModel load(String path, Configuration conf) {
    return folded(loadAsIs(path, conf));
  }

  /**
   * An FP32 model the caller holds in memory, named {@code name} in messages; its weights must
   * be inside (no external data files).
   */
  public static LoadedInputModel fromBytes(String name, byte[] bytes, boolean fold) {
    OnnxModel model = OnnxModel.fromBytes(name, bytes);
    LoadedInputModel read = new LoadedInputModel(model, ModelDigest.sha256Hex(bytes),
        new BatchNormFolding.Result(model, List.of()));
    return fold ? folded(read) : read;
  }

  private static LoadedInputModel folded(LoadedInputModel read) {
    BatchNormFolding.Result folding = BatchNormFolding.fold(read.model());
    if (folding.folded() > 0) {
      LOG.info("{}: folded {} BatchNormalization into the Conv before it, as ONNX Runtime's"
          + " quantization pre-processing does", read.model().name(), folding.folded());
    }
    return new LoadedInputModel(read.model(), read.digest(), folding);
  }

  /** Reads a model that is used as it is (a quantized candidate), nothing folded. */
  public static LoadedInputModel loadAsIs(String path, Configuration conf) {
    DigestingFiles files;
    try {
      files = new DigestingFiles(new HadoopModelFiles(path, conf));
    } catch (IOException e) {
      throw new QcalException("cannot open model " + path + ": " + e.getMessage(), e);
    }
    OnnxModel model = OnnxModel.load(files);
    return new LoadedInputModel(model, files.digest,
        new BatchNormFolding.Result(model, List.of()));
  }

  /** The graph qcal calibrates and exports: the model with BatchNormalization folded. */
  public OnnxModel toQuantize() {
    return folding.model();
  }

  /**
   * This model with {@code corrected} as the graph to quantize (the same graph with other
   * constant values, e.g. corrected biases); validation still compares with the user's model.
   */
  public LoadedInputModel withToQuantize(OnnxModel corrected) {
    return new LoadedInputModel(model, digest,
        new BatchNormFolding.Result(corrected, folding.foldedNodes()));
  }

  /** {@code selection} of {@link #toQuantize()}: it may name the nodes folded away. */
  public NodeSelection selection(NodeSelection selection) {
    return selection.withRemovedNodes(folding.foldedNodes());
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
