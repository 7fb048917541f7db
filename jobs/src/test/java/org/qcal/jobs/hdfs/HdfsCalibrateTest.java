package org.qcal.jobs.hdfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.Cli;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cluster.CalibrationFiles;
import org.qcal.jobs.spark.SparkSessions;

/**
 * calibrate against HDFS: a MiniDFSCluster (one NameNode, one DataNode, permissions on) in this
 * JVM, and qcal's CLI in-process on {@code local[2]}, as the test JVM's user, who is the HDFS
 * superuser, or as an ordinary user through {@link UserGroupInformation#doAs}. The model and the
 * data are read from {@code hdfs://}, the outputs written there.
 */
@Tag("cluster")
class HdfsCalibrateTest {
  private static final Path MODEL =
      Path.of("../quant-core/src/test/resources/models/cnn.onnx").toAbsolutePath().normalize();
  private static final Path SLICE =
      Path.of("src/test/resources/data/fashion-mnist-slice.parquet").toAbsolutePath();
  private static final List<String> COMPARED = CalibrationFiles.OUTPUTS;
  private static final String LIMIT = "512";

  private static MiniHdfs dfs;
  private static DistributedFileSystem fs;
  private static String hdfs;
  private static SparkSession spark;
  @TempDir static Path tmp;
  /** The same calibration with local paths: the reference bytes. */
  private static Path reference;

  @BeforeAll
  static void start() throws IOException {
    dfs = MiniHdfs.start(tmp.resolve("dfs"));
    fs = dfs.fs();
    hdfs = dfs.uri();
    dfs.upload(MODEL, "/in/cnn.onnx");
    dfs.upload(SLICE, "/in/slice.parquet");

    SparkConf sparkConf = new SparkConf()
        .setAppName("HdfsCalibrateTest")
        .setMaster("local[2]")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.hadoop.dfs.replication", "1");
    SparkSessions.applyQcalDefaults(sparkConf);
    spark = SparkSession.builder().config(sparkConf).getOrCreate();

    reference = tmp.resolve("reference");
    Cli ref = cli("calibrate", "--model", MODEL.toString(), "--data", SLICE.toString(),
        "--limit", LIMIT, "--out", reference.toString());
    assertEquals(ExitCode.OK, ref.exitCode(), ref.toString());
  }

  @AfterAll
  static void stop() {
    MiniHdfs.stop(spark, dfs);
  }

  @Test
  void calibrateReadsModelAndDataFromHdfsAndWritesTheOutputsThereWhole() throws IOException {
    Cli run = cli("calibrate", "--model", hdfs + "/in/cnn.onnx",
        "--data", hdfs + "/in/slice.parquet", "--limit", LIMIT, "--out", hdfs + "/out/cnn");
    assertEquals(ExitCode.OK, run.exitCode(), run.toString());

    // Renamed into place: the folder and nothing else beside it (no hidden temporary folder).
    assertEquals(List.of("cnn"), names("/out"));
    List<String> local = CalibrationFiles.names(reference);
    assertEquals(local, names("/out/cnn"), "the same files as the local run");
    assertTrue(local.containsAll(COMPARED), local.toString());
    for (String f : List.of("calibration.cache", "model.int8.onnx")) {
      assertArrayEquals(Files.readAllBytes(reference.resolve(f)), read("/out/cnn/" + f), f);
    }
    // calibration.json names the paths it read; everything else is the same.
    byte[] json = read("/out/cnn/calibration.json");
    JsonNode actual = new ObjectMapper().readTree(json);
    assertEquals(hdfs + "/in/cnn.onnx", actual.at("/model/path").asText());
    assertEquals(hdfs + "/in/slice.parquet", actual.at("/dataset/path").asText());
    JsonNode expected = CalibrationFiles.withoutPaths(
        Files.readAllBytes(reference.resolve("calibration.json")));
    actual = CalibrationFiles.withoutPaths(json);
    assertEquals(expected, actual, "calibration.json but the paths");
  }

  /**
   * A namespace quota on the parent admits the temporary folder and the first output file,
   * then refuses the second: the run fails in the middle of writing its outputs, and leaves
   * neither the output folder nor its temporary folder behind.
   */
  @Test
  void runFailingMidWriteLeavesNoOutputFolder() throws IOException {
    org.apache.hadoop.fs.Path parent = MiniHdfs.path("/quota");
    fs.mkdirs(parent);
    // The quota counts the folder itself: itself + the run's lock file + the temporary folder
    // + its _QCAL marker + one output file.
    fs.setQuota(parent, 5, HdfsConstants.QUOTA_DONT_SET);
    Cli run = cli("calibrate", "--model", hdfs + "/in/cnn.onnx",
        "--data", hdfs + "/in/slice.parquet", "--limit", LIMIT, "--out", hdfs + "/quota/cnn");
    assertEquals(ExitCode.FAILURE, run.exitCode(), run.toString());
    assertTrue(run.err().contains("quota"), "the error names the cause\n" + run);
    assertEquals(List.of(), names("/quota"), "nothing left in the parent");
  }

  /** A folder of another user, mode 700: the output path cannot even be looked at. */
  @Test
  void outputInAnotherUsersPrivateFolderIsExit2WithOneClearLine() throws Exception {
    org.apache.hadoop.fs.Path owned = MiniHdfs.path("/private-alice");
    fs.mkdirs(owned);
    fs.setOwner(owned, "alice", "alice");
    fs.setPermission(owned, new FsPermission((short) 0700));
    String out = hdfs + "/private-alice/cnn";

    Cli run = asUser("bob", "calibrate", "--model", hdfs + "/in/cnn.onnx",
        "--data", hdfs + "/in/slice.parquet", "--limit", LIMIT, "--out", out);
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
    List<String> lines = run.err().lines().toList();
    assertEquals(1, lines.size(), "one line\n" + run);
    assertTrue(lines.get(0).startsWith("qcal: output folder " + out), lines.get(0));
    assertTrue(lines.get(0).contains("Permission denied: user=bob"), lines.get(0));
    assertEquals(List.of(), names("/private-alice"));
  }

  /**
   * A folder bob may list but not write (alice's, mode 755): exit 2 with one line, and nothing
   * written.
   */
  @Test
  void outputInAReadOnlyFolderIsExit2WithOneClearLine() throws Exception {
    org.apache.hadoop.fs.Path shared = MiniHdfs.path("/shared-alice");
    fs.mkdirs(shared);
    fs.setOwner(shared, "alice", "alice");
    fs.setPermission(shared, new FsPermission((short) 0755));
    String out = hdfs + "/shared-alice/cnn";

    Cli run = asUser("bob", "calibrate", "--model", hdfs + "/in/cnn.onnx",
        "--data", hdfs + "/in/slice.parquet", "--limit", LIMIT, "--methods", "minmax",
        "--choose", "minmax", "--out", out);
    assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
    List<String> lines = run.err().lines().toList();
    assertEquals(1, lines.size(), "one line\n" + run);
    assertTrue(lines.get(0).startsWith("qcal: output folder " + out), lines.get(0));
    assertTrue(lines.get(0).toLowerCase(java.util.Locale.ROOT).contains("permission denied"),
        lines.get(0));
    assertEquals(List.of(), names("/shared-alice"));
  }

  // --- helpers ------------------------------------------------------------------------------

  private static List<String> names(String dir) throws IOException {
    return dfs.names(dir);
  }

  private static byte[] read(String file) throws IOException {
    return dfs.read(file);
  }

  private static Cli cli(String... args) {
    return Cli.run(args);
  }

  /** The CLI as an HDFS user that is not the superuser (Hadoop's simple authentication). */
  private static Cli asUser(String user, String... args) throws Exception {
    UserGroupInformation ugi = UserGroupInformation.createRemoteUser(user);
    try {
      return ugi.doAs((PrivilegedExceptionAction<Cli>) () -> cli(args));
    } finally {
      FileSystem.closeAllForUGI(ugi);
    }
  }
}
