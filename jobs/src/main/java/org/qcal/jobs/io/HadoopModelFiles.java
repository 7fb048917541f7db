package org.qcal.jobs.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;
import org.qcal.onnx.ModelFiles;

/**
 * A model file and its external-data side files through Hadoop's FileSystem, so models load
 * from local paths, {@code hdfs://} and {@code s3a://} alike.
 */
public final class HadoopModelFiles implements ModelFiles {
  private final String name;
  private final Path model;
  private final FileSystem fs;

  public HadoopModelFiles(String path, Configuration conf) throws IOException {
    this.name = path;
    this.model = new Path(path);
    this.fs = model.getFileSystem(conf);
  }

  @Override
  public String modelName() {
    return name;
  }

  @Override
  public long modelSize() throws IOException {
    FileStatus status = fs.getFileStatus(model);
    if (status.isDirectory()) {
      throw new QcalException("model " + name + " is a folder, not an ONNX model file");
    }
    return status.getLen();
  }

  @Override
  public byte[] readModel() throws IOException {
    return read(model, 0, Math.toIntExact(modelSize()));
  }

  @Override
  public long size(String relativePath) throws IOException {
    return fs.getFileStatus(sibling(relativePath)).getLen();
  }

  @Override
  public byte[] read(String relativePath, long offset, int length) throws IOException {
    return read(sibling(relativePath), offset, length);
  }

  private Path sibling(String relativePath) {
    return new Path(model.getParent(), relativePath);
  }

  private byte[] read(Path path, long offset, int length) throws IOException {
    byte[] bytes = new byte[length];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(offset, bytes);
    }
    return bytes;
  }
}
