package org.qcal.jobs.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.qcal.QcalException;

/**
 * Whole small files (a model, a calibration.json) through Hadoop's FileSystem, so that local
 * paths, {@code hdfs://} and {@code s3a://} work alike: what Spark ML's writers and readers of
 * qcal's stages store beside their metadata.
 */
public final class HadoopBytes {
  private HadoopBytes() {}

  /** Writes {@code bytes} to a new file {@code path}; an existing file is an error. */
  public static void write(String path, byte[] bytes, Configuration conf) {
    Path file = new Path(path);
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (OutputStream out = fs.create(file, false)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new QcalException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of file {@code path}; {@code what} names it in messages. */
  public static byte[] read(String path, String what, Configuration conf) {
    Path file = new Path(path);
    try {
      FileSystem fs = file.getFileSystem(conf);
      try (InputStream in = fs.open(file)) {
        return in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      throw new QcalException(what + ": no file " + path);
    } catch (IOException e) {
      throw new QcalException(what + ": cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code path} exists. */
  public static boolean exists(String path, Configuration conf) {
    Path file = new Path(path);
    try {
      return file.getFileSystem(conf).exists(file);
    } catch (IOException e) {
      throw new QcalException("cannot look for " + path + ": " + e.getMessage(), e);
    }
  }
}
