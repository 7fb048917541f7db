package org.qcal.jobs.data;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.spark.sql.Row;

/**
 * Where a row comes from, for messages: its data file and row number when the rows carry the
 * position columns {@link DatasetLoader#withPositions} adds, else its row number within the
 * partition the task reads (the only position a dataset without files has).
 */
final class RowPosition {
  private RowPosition() {}

  /** A {@link BadRow} at {@code row}: {@code "data file F row R: what"}. */
  static BadRow bad(BatchPlan plan, Row row, long indexInPartition, int partition, String what) {
    int fileColumn = plan.fileIndex();
    if (fileColumn < 0 || row.isNullAt(fileColumn)) {
      String where = "data " + plan.source() + " row " + indexInPartition
          + (partition >= 0 ? " of partition " + partition : "");
      return new BadRow(null, Math.max(partition, 0), indexInPartition, where + ": " + what);
    }
    String file = row.getString(fileColumn);
    long block = row.isNullAt(plan.blockIndex()) ? 0 : row.getLong(plan.blockIndex());
    long index = row.isNullAt(plan.rowIndex()) ? -1 : row.getLong(plan.rowIndex());
    StringBuilder where = new StringBuilder("data file ").append(display(file, plan.source()));
    if (index >= 0) {
      where.append(" row ").append(index);
    }
    if (block > 0) {
      where.append(" (counted from byte ").append(block).append(", where Spark split the file)");
    }
    return new BadRow(file, block, index, where + ": " + what);
  }

  /**
   * The file as the user knows it: its path under the data path when it is inside it, its name
   * when the data path is the file itself, else its whole decoded path.
   */
  static String display(String file, String source) {
    String path = decodedPath(file);
    String root = decodedPath(source);
    if (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    if (root.isEmpty()) {
      return path;
    }
    // A relative data path (resolved against the driver's folder) matches the file's tail.
    String prefix = root.startsWith("/") ? root : "/" + root;
    if (path.equals(root) || !root.startsWith("/") && path.endsWith(prefix)) {
      return path.substring(path.lastIndexOf('/') + 1);
    }
    int at = root.startsWith("/") ? (path.startsWith(root + "/") ? 0 : -1)
        : path.indexOf(prefix + "/");
    return at < 0 ? path : path.substring(at + prefix.length() + 1);
  }

  /** The path part of a URI or plain path ({@code _metadata.file_path} is a URI, %-encoded). */
  private static String decodedPath(String uriOrPath) {
    try {
      URI uri = new URI(uriOrPath);
      return uri.getPath() == null ? uriOrPath : uri.getPath();
    } catch (URISyntaxException e) {
      return uriOrPath; // a plain path with characters a URI may not hold, e.g. spaces
    }
  }
}
