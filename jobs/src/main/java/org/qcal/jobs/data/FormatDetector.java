package org.qcal.jobs.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.qcal.QcalException;

/**
 * Tells the format of a data path from file names, through Hadoop's FileSystem (so local,
 * {@code hdfs://} and {@code s3a://} paths behave alike). A file is judged by its extension; a
 * folder by the files inside it, nested folders included (Hive-style partitions), skipping the
 * hidden and bookkeeping files Spark and Hadoop write ({@code _SUCCESS}, {@code .crc}). Files
 * of a kind qcal does not read are ignored; two kinds in one folder is an error.
 */
final class FormatDetector {
  /** Folders are judged by their first files only, so that listing a huge dataset stays cheap. */
  static final int MAX_FILES_LOOKED_AT = 1000;

  private FormatDetector() {}

  /** The paths the (possibly glob) path stands for; fails naming it when there are none. */
  static FileStatus[] existing(FileSystem fs, Path path, String shown) {
    FileStatus[] matches;
    try {
      matches = fs.globStatus(path);
    } catch (IOException e) {
      throw new QcalException("cannot list data path '" + shown + "': " + e.getMessage(), e);
    }
    if (matches == null || matches.length == 0) {
      throw new QcalException("data path '" + shown + "' does not exist");
    }
    return matches;
  }

  /** The format of the data at {@code path}, or an error saying why it cannot be told. */
  static DataFormat detect(FileSystem fs, Path path, String shown) {
    Map<DataFormat, String> found = new EnumMap<>(DataFormat.class);
    List<String> others = new ArrayList<>();
    int looked = 0;
    try {
      for (FileStatus match : existing(fs, path, shown)) {
        if (match.isFile()) {
          note(match.getPath(), found, others);
          looked++;
          continue;
        }
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(match.getPath(), true);
        int prefix = match.getPath().toUri().getPath().length();
        while (files.hasNext() && looked < MAX_FILES_LOOKED_AT) {
          Path file = files.next().getPath();
          if (!hidden(file.toUri().getPath().substring(prefix))) {
            note(file, found, others);
            looked++;
          }
        }
      }
    } catch (IOException e) {
      throw new QcalException("cannot list data path '" + shown + "': " + e.getMessage(), e);
    }
    if (found.size() == 1) {
      DataFormat format = found.keySet().iterator().next();
      if (!others.isEmpty() && format.readsEveryFile()) {
        // Spark's file sources read every file of a folder, whatever its name.
        throw new QcalException("data path '" + shown + "' holds " + others.get(0)
            + " besides its " + format.formatName() + " files, and Spark would read it as "
            + format.formatName() + "; move it away or point at the data files (e.g. '"
            + shown + "/*" + format.extensionExample() + "')");
      }
      return format;
    }
    if (found.size() > 1) {
      List<String> kinds = new ArrayList<>();
      found.forEach((f, example) -> kinds.add(f.formatName() + " (" + example + ")"));
      throw new QcalException("data path '" + shown + "' mixes " + String.join(" and ", kinds)
          + " files; pass --format or point at one kind");
    }
    if (looked == 0) {
      throw new QcalException("data path '" + shown + "' holds no files");
    }
    throw new QcalException("cannot tell the format of data path '" + shown + "' (files like "
        + String.join(", ", others) + "); pass --format parquet, orc, json, image or npy");
  }

  private static void note(Path file, Map<DataFormat, String> found, List<String> others) {
    DataFormat f = DataFormat.fromFileName(file.getName());
    if (f != null) {
      found.putIfAbsent(f, file.getName());
    } else if (others.size() < 3) {
      others.add(file.getName());
    }
  }

  /** Whether a path below the data folder is bookkeeping (a component starting _ or .). */
  static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
