package org.qcal.jobs.api;

import org.apache.hadoop.conf.Configuration;
import org.qcal.jobs.io.LoadedInputModel;

/**
 * The FP32 model a run starts from: a path on any Hadoop file system (its external data files
 * beside it), or bytes the caller already holds (weights inside).
 *
 * @param name the path, or the name messages give the in-memory model
 * @param bytes the model's bytes, or null to read {@code name}
 */
public record InputModel(String name, byte[] bytes) {
  public InputModel {
    if (name == null || name.isBlank()) {
      throw new BadArgument("model", "is needed: a path, or a name with the model's bytes");
    }
  }

  public static InputModel path(String path) {
    return new InputModel(path, null);
  }

  public static InputModel bytes(String name, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new BadArgument("model", "bytes of " + name + " are empty");
    }
    return new InputModel(name, bytes.clone());
  }

  /** Reads it, BatchNormalization folded for calibration and export ({@code fold}). */
  public LoadedInputModel load(Configuration conf, boolean fold) {
    if (bytes != null) {
      return LoadedInputModel.fromBytes(name, bytes, fold);
    }
    return fold ? LoadedInputModel.load(name, conf) : LoadedInputModel.loadAsIs(name, conf);
  }

  /** The path read, or null for bytes: what an output folder must stay clear of. */
  public String path() {
    return bytes == null ? name : null;
  }

  @Override
  public String toString() {
    return name;
  }
}
