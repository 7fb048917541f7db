package org.qcal.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.qcal.QcalException;

/**
 * An output folder that appears whole or not at all. Files are written into a hidden sibling
 * folder ({@code .<name>.qcal-tmp-<uuid>}) through Hadoop's FileSystem, so local paths,
 * {@code hdfs://} and {@code s3a://} work alike; {@link #commit()} renames it into place.
 * Closing without a commit deletes the temporary folder, so a failed run leaves nothing behind.
 *
 * <p>The rename is atomic on HDFS and local file systems. On object stores (s3a) a folder rename
 * is a copy: readers may briefly see a partial folder there, never a mixed old/new one.
 */
public final class AtomicOutputDir implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path temporary;
  private final boolean overwrite;
  private boolean committed;

  private AtomicOutputDir(FileSystem fs, Path target, boolean overwrite) throws IOException {
    this.fs = fs;
    this.target = target;
    this.overwrite = overwrite;
    this.temporary = new Path(target.getParent(),
        "." + target.getName() + ".qcal-tmp-" + UUID.randomUUID());
    if (!fs.mkdirs(temporary)) {
      throw new IOException("cannot create " + temporary);
    }
  }

  /**
   * Checks that {@code dir} may be written (absent, or {@code overwrite}) and opens a temporary
   * folder beside it. Nothing is created when the check fails.
   */
  public static AtomicOutputDir open(String dir, boolean overwrite, Configuration conf) {
    Path target = new Path(dir);
    try {
      FileSystem fs = target.getFileSystem(conf);
      // No .crc side files next to the outputs on local disks: users open this folder.
      fs.setWriteChecksum(false);
      Path qualified = fs.makeQualified(target);
      if (qualified.getParent() == null) {
        throw new QcalException("output folder " + dir + " cannot be the root of a file system");
      }
      checkWritable(fs, qualified, overwrite, dir);
      return new AtomicOutputDir(fs, qualified, overwrite);
    } catch (AccessControlException e) {
      throw new QcalException("output folder " + dir + ": permission denied ("
          + firstLine(e.getMessage()) + ")", e);
    } catch (IOException e) {
      throw new QcalException("output folder " + dir + " cannot be written: "
          + firstLine(e.getMessage()), e);
    }
  }

  /** Fails early, before any expensive work, when the output folder cannot be used. */
  public static void checkWritable(String dir, boolean overwrite, Configuration conf) {
    Path target = new Path(dir);
    try {
      FileSystem fs = target.getFileSystem(conf);
      checkWritable(fs, fs.makeQualified(target), overwrite, dir);
    } catch (IOException e) {
      throw new QcalException("output folder " + dir + " cannot be checked: "
          + firstLine(e.getMessage()), e);
    }
  }

  private static void checkWritable(FileSystem fs, Path target, boolean overwrite, String dir)
      throws IOException {
    if (fs.exists(target)) {
      if (!overwrite) {
        throw new QcalException("output folder " + dir + " already exists (use --overwrite)");
      }
      if (fs.getFileStatus(target).isFile()) {
        throw new QcalException("output path " + dir + " is a file, not a folder");
      }
    }
  }

  /** The final location of the folder. */
  public Path target() {
    return target;
  }

  /** Creates {@code name} inside the temporary folder. */
  public OutputStream create(String name) throws IOException {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    FSDataOutputStream stream = fs.create(new Path(temporary, name), false);
    return stream;
  }

  /** Writes a whole file. */
  public void write(String name, byte[] bytes) throws IOException {
    try (OutputStream out = create(name)) {
      out.write(bytes);
    }
  }

  /**
   * Moves the folder into place. With overwrite, the old folder is first renamed aside and only
   * deleted once the new one is in place.
   */
  public void commit() throws IOException {
    Path aside = null;
    if (fs.exists(target)) {
      if (!overwrite) {
        throw new QcalException("output folder " + target + " appeared during the run");
      }
      aside = new Path(target.getParent(), "." + target.getName() + ".qcal-old-" + UUID.randomUUID());
      rename(target, aside);
    }
    rename(temporary, target);
    committed = true;
    if (aside != null) {
      fs.delete(aside, true);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /** Deletes the temporary folder unless the output was committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      fs.delete(temporary, true);
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
