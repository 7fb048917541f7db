package org.qcal.onnx;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.qcal.Check;

/** {@link ModelFiles} on the local file system (java.nio). */
public final class LocalModelFiles implements ModelFiles {
  private final Path model;
  private final Path folder;

  public LocalModelFiles(Path model) {
    this.model = Check.notNull(model, "model path");
    Path parent = model.toAbsolutePath().getParent();
    this.folder = parent == null ? model.toAbsolutePath().getRoot() : parent;
  }

  @Override
  public String modelName() {
    return model.toString();
  }

  @Override
  public long modelSize() throws IOException {
    return Files.size(model);
  }

  @Override
  public byte[] readModel() throws IOException {
    return Files.readAllBytes(model);
  }

  @Override
  public long size(String relativePath) throws IOException {
    return Files.size(folder.resolve(relativePath));
  }

  @Override
  public byte[] read(String relativePath, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    ByteBuffer buffer = ByteBuffer.wrap(out);
    try (FileChannel channel = FileChannel.open(folder.resolve(relativePath),
        StandardOpenOption.READ)) {
      long position = offset;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          throw new EOFException(describe(relativePath) + " ends at byte " + position
              + ", before " + length + " bytes from offset " + offset);
        }
        position += n;
      }
    }
    return out;
  }

  @Override
  public String describe(String relativePath) {
    return folder.resolve(relativePath).toString();
  }
}
