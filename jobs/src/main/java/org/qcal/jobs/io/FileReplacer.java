package org.qcal.jobs.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Renames a file over an existing one. Hadoop's {@code FileContext.rename} with {@link
 * Options.Rename#OVERWRITE} does it in one step: atomic on HDFS (one NameNode operation) and on
 * local disks (POSIX rename(2)); on object stores a copy. Where a file system has no
 * FileContext binding, the old file is deleted first (a short moment without it).
 */
final class FileReplacer {
  private final FileSystem fs;
  private final FileContext context;

  private FileReplacer(FileSystem fs, FileContext context) {
    this.fs = fs;
    this.context = context;
  }

  static FileReplacer of(FileSystem fs, Configuration conf) {
    try {
      return new FileReplacer(fs, FileContext.getFileContext(fs.getUri(), conf));
    } catch (UnsupportedFileSystemException e) {
      return new FileReplacer(fs, null);
    }
  }

  void replace(Path from, Path to) throws IOException {
    if (context != null) {
      context.rename(from, to, Options.Rename.OVERWRITE);
      return;
    }
    fs.delete(to, false);
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }
}
