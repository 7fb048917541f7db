package org.qcal.jobs.hdfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * An HDFS in the test JVM (hadoop-client-minicluster): one NameNode and one DataNode on
 * 127.0.0.1, permissions on, the test JVM's user as the superuser. Any JVM on the machine can
 * use it through {@link #uri()}, e.g. the executors of a standalone cluster.
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final DistributedFileSystem fs;

  private MiniHdfs(MiniDFSCluster cluster) throws IOException {
    this.cluster = cluster;
    this.fs = cluster.getFileSystem();
  }

  /** Starts it with its storage under {@code dir} and waits until it serves. */
  public static MiniHdfs start(Path dir) throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
    conf.setBoolean("dfs.permissions.enabled", true);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    return new MiniHdfs(cluster);
  }

  /** {@code hdfs://127.0.0.1:<port>}. */
  public String uri() {
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }

  /** The superuser's client. */
  public DistributedFileSystem fs() {
    return fs;
  }

  /** Copies a local file (or folder) to {@code hdfsPath}; returns its full URI. */
  public String upload(Path local, String hdfsPath) throws IOException {
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toString()), path(hdfsPath));
    return uri() + hdfsPath;
  }

  /** The names in a folder, sorted, hidden ones included. */
  public List<String> names(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(path(dir))) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }

  public byte[] read(String file) throws IOException {
    try (InputStream in = fs.open(path(file))) {
      return in.readAllBytes();
    }
  }

  public static org.apache.hadoop.fs.Path path(String p) {
    return new org.apache.hadoop.fs.Path(p);
  }

  @Override
  public void close() {
    cluster.shutdown(true);
  }

  /** Stops a test's Spark session, then its cluster; either may be null (a failed start). */
  public static void stop(org.apache.spark.sql.SparkSession spark, MiniHdfs dfs) {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (dfs != null) {
        dfs.close();
      }
    }
  }
}
