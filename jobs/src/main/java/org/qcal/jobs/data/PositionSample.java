package org.qcal.jobs.data;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;

/**
 * Keeps a share of the rows, chosen by a hash of each row's position within the dataset (its
 * file's path below the data root, block, row index; docs/DESIGN.md "Determinism"): the same
 * rows whatever the partitioning, the retries or the order, spread over the whole dataset rather
 * than its first files. The data root's own location does not enter the hash, so a copy of the
 * data on HDFS, or a file under another name, samples the same rows as the local original. Rows
 * without positions (a source Spark gives no file metadata) are all kept.
 */
public final class PositionSample implements Function<Row, Boolean> {
  private static final long serialVersionUID = 1L;

  private final int fileIndex;
  private final int blockIndex;
  private final int rowIndex;
  private final double share;
  private final String root;

  /**
   * @param share the share kept, in [0, 1]
   * @param root the path part of the data root (a folder or a file, no scheme or authority), or
   *     "" when unknown: then a file counts by its name alone
   */
  public PositionSample(BatchPlan plan, double share, String root) {
    this(plan.fileIndex(), plan.blockIndex(), plan.rowIndex(), share, root);
  }

  /** Over rows whose position columns are at these indices (-1: no positions). */
  PositionSample(int fileIndex, int blockIndex, int rowIndex, double share, String root) {
    this.fileIndex = fileIndex;
    this.blockIndex = blockIndex;
    this.rowIndex = rowIndex;
    this.share = share;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** Whether rows carry positions; if not, {@link #call} keeps them all. */
  public boolean positioned() {
    return fileIndex >= 0;
  }

  @Override
  public Boolean call(Row row) {
    if (share >= 1 || !positioned()) {
      return true;
    }
    String file = row.isNullAt(fileIndex) ? "" : belowRoot(row.getString(fileIndex));
    long h = 0x9E3779B97F4A7C15L;
    for (byte b : file.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ b);
    }
    h = mix(h ^ row.getLong(blockIndex));
    h = mix(h ^ row.getLong(rowIndex));
    // The top 53 bits as a uniform double in [0, 1).
    return (h >>> 11) * 0x1.0p-53 < share;
  }

  /**
   * The file's path below the root ("" for the root file itself), or its name when it is not
   * below the root. Spark writes the file as a URI ({@code file:///a/b}, {@code hdfs://nn/a/b},
   * escaped); its path part is compared.
   */
  String belowRoot(String file) {
    String path;
    try {
      path = new URI(file).getPath();
    } catch (URISyntaxException e) {
      path = null;
    }
    if (path == null) {
      path = file;
    }
    if (!root.isEmpty() && path.equals(root)) {
      return "";
    }
    if (!root.isEmpty() && path.startsWith(root + "/")) {
      return path.substring(root.length() + 1);
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** MurmurHash3's 64-bit finalizer (fmix64): every input bit affects every output bit. */
  static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
