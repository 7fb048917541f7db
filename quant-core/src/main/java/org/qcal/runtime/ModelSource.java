package org.qcal.runtime;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * An ONNX model as bytes, with a name for messages and a digest that identifies it in the
 * session cache. Serializable so a Spark job can broadcast it (the driver hashes once).
 *
 * <p>The bytes are not copied (models can be large): do not modify the array after handing it
 * over. Two sources with the same digest are the same model, whatever their names.
 */
public final class ModelSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String digest;
  private final byte[] bytes;

  private ModelSource(String name, String digest, byte[] bytes) {
    this.name = Check.notNull(name, "model name");
    this.digest = Check.notNull(digest, "model digest");
    this.bytes = Check.notNull(bytes, "model bytes of '" + name + "'");
    Check.that(!digest.isEmpty(), "digest of model '" + name + "'", "non-empty", "\"\"");
  }

  /** A model named {@code name} (a file name or path, for messages); hashes the bytes. */
  public static ModelSource of(String name, byte[] bytes) {
    Check.notNull(bytes, "model bytes of '" + name + "'");
    return new ModelSource(name, ModelDigest.sha256Hex(bytes), bytes);
  }

  /** A model whose digest was computed elsewhere (e.g. on the driver): trusted, not re-hashed. */
  public static ModelSource of(String name, String digest, byte[] bytes) {
    return new ModelSource(name, digest, bytes);
  }

  /** Reads a local model file; the name is the path as given. */
  public static ModelSource read(Path path) {
    try {
      return of(path.toString(), Files.readAllBytes(path));
    } catch (IOException e) {
      throw new QcalException("cannot read ONNX model " + path + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public String digest() {
    return digest;
  }

  /** The model bytes themselves (not a copy). */
  public byte[] bytes() {
    return bytes;
  }

  /** "model 'cnn.onnx' (sha256 1a2b3c4d5e6f)": how messages and log lines name the model. */
  @Override
  public String toString() {
    return "model '" + name + "' (sha256 " + ModelDigest.shortForm(digest) + ")";
  }
}
