package org.qcal.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.qcal.QcalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output folder that appears whole or not at all, and that never costs a user a byte of
 * their own data (docs/DESIGN.md, "Outputs").
 *
 * <p>{@link #reserve} runs at the start of a command, before any work: it checks the location
 * ({@link OutputLocation}), refuses an existing folder qcal did not write, takes the folder's
 * {@link OutputLock}, removes temporaries that killed runs left (and says so), and creates this
 * run's hidden temporary folder {@code .<name>.qcal-tmp-<run>} beside the target with its
 * {@link OutputMarker}: that creation is the probe that the location is writable. Files are
 * written there through Hadoop's FileSystem (local, {@code hdfs://}, {@code s3a://}).
 *
 * <p>{@link #commit()} renames a new folder into place (atomic on HDFS and local disks). Over an
 * existing qcal folder ({@code --overwrite}) it replaces file by file, each file renamed over
 * its old version, then the marker: the folder never disappears, files the old run wrote and
 * this one did not are deleted, and files someone else put there are kept. {@link #close()}
 * without a commit deletes the temporary folder and releases the lock.
 */
public final class AtomicOutputDir implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicOutputDir.class);
  private static final String TMP_INFIX = ".qcal-tmp-";

  private final FileSystem fs;
  private final Configuration conf;
  private final Path target;
  private final Path temporary;
  private final OutputMarker marker;
  private final OutputLock lock;
  private final List<Path> createdParents;
  private final boolean overwrite;
  private final Set<String> written = new LinkedHashSet<>();
  private boolean committed;
  private boolean closed;

  private AtomicOutputDir(FileSystem fs, Configuration conf, Path target, Path temporary,
      OutputMarker marker, OutputLock lock, List<Path> createdParents, boolean overwrite) {
    this.fs = fs;
    this.conf = conf;
    this.target = target;
    this.temporary = temporary;
    this.marker = marker;
    this.lock = lock;
    this.createdParents = createdParents;
    this.overwrite = overwrite;
  }

  /**
   * Reserves output folder {@code dir} for a run of {@code command}: every refusal happens here,
   * before any work. {@code inputs} are the run's input paths, which the folder must stay
   * clear of.
   */
  public static AtomicOutputDir reserve(String dir, boolean overwrite, String command,
      Collection<String> inputs, Configuration conf) {
    Path target = OutputLocation.check(dir, inputs, conf);
    OutputLock lock = null;
    FileSystem fs = null;
    List<Path> createdParents = List.of();
    try {
      fs = target.getFileSystem(conf);
      // No .crc side files next to the outputs on local disks: users open this folder.
      fs.setWriteChecksum(false);
      createdParents = missingAncestors(fs, target.getParent());
      if (!fs.mkdirs(target.getParent())) {
        throw new IOException("cannot create " + target.getParent());
      }
      String run = UUID.randomUUID().toString();
      boolean[] tookOver = new boolean[1];
      lock = OutputLock.acquire(fs, target, run, dir, tookOver);
      if (tookOver[0]) {
        LOG.warn("output folder {}: took over the lock of an earlier qcal run that is gone", dir);
      }
      // Checked under the lock: no other qcal run can change the folder from here on.
      checkReplaceable(fs, target, overwrite, dir);
      removeStaleTemporaries(fs, target, dir);
      Path temporary = new Path(target.getParent(), "." + target.getName() + TMP_INFIX + run);
      if (!fs.mkdirs(temporary)) {
        throw new IOException("cannot create " + temporary);
      }
      OutputMarker marker = new OutputMarker(command, false, List.of());
      marker.write(fs, temporary);
      return new AtomicOutputDir(fs, conf, target, temporary, marker, lock, createdParents,
          overwrite);
    } catch (AccessControlException e) {
      abandon(fs, lock, createdParents);
      throw new QcalException("output folder " + dir + ": permission denied ("
          + OutputLocation.firstLine(e.getMessage()) + ")", e);
    } catch (IOException e) {
      abandon(fs, lock, createdParents);
      throw new QcalException("output folder " + dir + " cannot be written: "
          + OutputLocation.firstLine(e.getMessage()), e);
    } catch (RuntimeException e) {
      abandon(fs, lock, createdParents);
      throw e;
    }
  }

  private static void checkReplaceable(FileSystem fs, Path target, boolean overwrite,
      String dir) throws IOException {
    if (!fs.exists(target)) {
      return;
    }
    if (fs.getFileStatus(target).isFile()) {
      throw new QcalException("output path " + dir + " is a file, not a folder");
    }
    if (!overwrite) {
      throw new QcalException("output folder " + dir + " already exists (use --overwrite to"
          + " replace an earlier qcal output)");
    }
    if (OutputMarker.read(fs, target) == null && fs.listStatus(target).length > 0) {
      throw new QcalException("output folder " + dir + " exists and was not written by qcal"
          + " (no " + OutputMarker.NAME + " file): --overwrite only replaces qcal's own"
          + " outputs; choose another --out");
    }
  }

  /** Temporaries of this target whose run is gone: ours to delete, as we now hold the lock. */
  private static void removeStaleTemporaries(FileSystem fs, Path target, String dir)
      throws IOException {
    String prefix = "." + target.getName() + TMP_INFIX;
    for (FileStatus s : fs.listStatus(target.getParent())) {
      if (s.isDirectory() && s.getPath().getName().startsWith(prefix)
          && OutputMarker.read(fs, s.getPath()) != null) {
        long minutes = (System.currentTimeMillis() - s.getModificationTime()) / 60_000;
        fs.delete(s.getPath(), true);
        LOG.warn("output folder {}: removed {} left by an earlier qcal run that did not finish"
            + " ({} min old)", dir, s.getPath().getName(), minutes);
      }
    }
  }

  private static List<Path> missingAncestors(FileSystem fs, Path folder) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = folder; p != null && !fs.exists(p); p = p.getParent()) {
      missing.add(p);
    }
    return missing;
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
    if (name.contains("/") || name.equals(OutputMarker.NAME) || name.startsWith(".")) {
      throw new IllegalArgumentException("not an output file name: " + name);
    }
    written.add(name);
    return fs.create(new Path(temporary, name), false);
  }

  /** Writes a whole file. */
  public void write(String name, byte[] bytes) throws IOException {
    try (OutputStream out = create(name)) {
      out.write(bytes);
    }
  }

  /** Moves the outputs into place (see the class comment for how). */
  public void commit() throws IOException {
    OutputMarker done = marker.completed(new ArrayList<>(written));
    done.write(fs, temporary);
    if (!fs.exists(target)) {
      rename(temporary, target);
    } else if (overwrite && fs.getFileStatus(target).isDirectory()) {
      replaceFiles(done);
    } else {
      throw new QcalException("output folder " + target + " appeared during the run, not"
          + " written by qcal; the outputs were not moved there");
    }
    committed = true;
  }

  private void replaceFiles(OutputMarker done) throws IOException {
    OutputMarker old = OutputMarker.read(fs, target);
    FileReplacer replacer = FileReplacer.of(fs, conf);
    for (String name : done.files()) {
      replacer.replace(new Path(temporary, name), new Path(target, name));
    }
    if (old != null) {
      for (String name : old.files()) {
        if (!written.contains(name)) {
          fs.delete(new Path(target, name), false);
        }
      }
    }
    replacer.replace(new Path(temporary, OutputMarker.NAME), new Path(target, OutputMarker.NAME));
    fs.delete(temporary, true);
    List<String> foreign = new ArrayList<>();
    for (FileStatus s : fs.listStatus(target)) {
      String name = s.getPath().getName();
      if (!written.contains(name) && !name.equals(OutputMarker.NAME)) {
        foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      LOG.warn("output folder {}: kept {} that qcal did not write", target, foreign);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("cannot rename " + from + " to " + to);
    }
  }

  /**
   * Releases the folder: without a commit, deletes the temporary folder and any parent folders
   * this run created; always releases the lock. Safe to call twice.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (committed) {
      lock.close();
      return;
    }
    try {
      fs.delete(temporary, true);
    } finally {
      lock.close();
      deleteEmpty(fs, createdParents);
    }
  }

  private static void deleteEmpty(FileSystem fs, List<Path> folders) throws IOException {
    for (Path p : folders) {
      if (fs.exists(p) && fs.listStatus(p).length == 0) {
        fs.delete(p, false);
      }
    }
  }

  /** Undoes a reservation that failed half-way; the original failure is what matters. */
  private static void abandon(FileSystem fs, OutputLock lock, List<Path> createdParents) {
    try {
      if (lock != null) {
        lock.close();
      }
      if (fs != null) {
        deleteEmpty(fs, createdParents);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot clean up after a refused output folder: {}", e.getMessage());
    }
  }
}
