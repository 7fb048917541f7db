package org.qcal.onnx;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.qcal.Check;

/**
 * {@link ModelFiles} over byte arrays: a model read elsewhere (a broadcast, a test), optionally
 * with side files keyed by their normalized relative path. The arrays are not copied.
 */
public final class InMemoryModelFiles implements ModelFiles {
  private final String name;
  private final byte[] model;
  private final Map<String, byte[]> sideFiles;

  public InMemoryModelFiles(String name, byte[] model, Map<String, byte[]> sideFiles) {
    this.name = Check.notNull(name, "model name");
    this.model = Check.notNull(model, "model bytes of " + name);
    this.sideFiles = Map.copyOf(Check.notNull(sideFiles, "side files of " + name));
  }

  /** A model with no side files: external data is then reported as missing. */
  public InMemoryModelFiles(String name, byte[] model) {
    this(name, model, Map.of());
  }

  @Override
  public String modelName() {
    return name;
  }

  @Override
  public long modelSize() {
    return model.length;
  }

  @Override
  public byte[] readModel() {
    return model;
  }

  @Override
  public long size(String relativePath) throws IOException {
    return file(relativePath).length;
  }

  @Override
  public byte[] read(String relativePath, long offset, int length) throws IOException {
    byte[] file = file(relativePath);
    if (offset < 0 || offset + length > file.length) {
      throw new IOException(describe(relativePath) + " has " + file.length
          + " bytes, cannot read " + length + " from offset " + offset);
    }
    return Arrays.copyOfRange(file, (int) offset, (int) offset + length);
  }

  private byte[] file(String relativePath) throws FileNotFoundException {
    byte[] file = sideFiles.get(relativePath);
    if (file == null) {
      throw new FileNotFoundException(describe(relativePath) + " (no such side file in memory)");
    }
    return file;
  }
}
