package org.qcal.jobs.hdfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.QcalException;
import org.qcal.jobs.io.AtomicOutputDir;

/**
 * The data-loss refusals and the overwrite rules of the output folder on HDFS (a MiniDFSCluster
 * in this JVM), where rename semantics and exclusive creates differ from a local disk.
 */
@Tag("cluster")
class HdfsOutputSafetyTest {
  private static MiniHdfs dfs;
  private static DistributedFileSystem fs;
  private static String hdfs;
  private static Configuration conf;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    dfs = MiniHdfs.start(tmp.resolve("dfs"));
    fs = dfs.fs();
    hdfs = dfs.uri();
    conf = fs.getConf();
    write("/data/calib/part-0.parquet", "rows");
    write("/models/m.onnx", "model");
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.close();
    }
  }

  private static void write(String path, String text) throws IOException {
    try (OutputStream out = fs.create(MiniHdfs.path(path), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static AtomicOutputDir reserve(String out, boolean overwrite) {
    return AtomicOutputDir.reserve(hdfs + out, overwrite, "calibrate",
        List.of(hdfs + "/models/m.onnx", hdfs + "/data/calib"), conf);
  }

  private static String refusal(String out) {
    return assertThrows(QcalException.class, () -> reserve(out, true)).getMessage();
  }

  private static void run(String out, boolean overwrite, String... files) throws IOException {
    try (AtomicOutputDir dir = reserve(out, overwrite)) {
      for (String f : files) {
        dir.write(f, f.getBytes(StandardCharsets.UTF_8));
      }
      dir.commit();
    }
  }

  @Test
  void refusesTheDataFolderTheFolderAboveItAndAFolderInsideIt() throws IOException {
    assertTrue(refusal("/data/calib").contains("is the input"));
    assertTrue(refusal("/data").contains("contains the input"));
    assertTrue(refusal("/data/calib/out").contains("lies inside the input"));
    assertTrue(refusal("/models/m.onnx").contains("is the input"));
    assertTrue(refusal("/").contains("root of a file system"));
    assertTrue(refusal("/out:1").contains("':' is not allowed"));
    assertEquals(List.of("part-0.parquet"), dfs.names("/data/calib"));
    assertEquals(List.of("calib"), dfs.names("/data"));
  }

  @Test
  void overwriteRefusesAFolderQcalDidNotWrite() throws IOException {
    write("/users/bob/report.txt", "precious");
    assertTrue(refusal("/users/bob").contains("was not written by qcal"));
    assertEquals(List.of("report.txt"), dfs.names("/users/bob"));
    assertEquals(List.of("bob"), dfs.names("/users"));
  }

  @Test
  void overwriteReplacesQcalsFilesInPlaceAndKeepsOthers() throws IOException {
    run("/out/a", false, "calibration.json", "old.txt");
    write("/out/a/notes.md", "mine");
    long folderId = fs.getFileStatus(MiniHdfs.path("/out/a")).getModificationTime();
    run("/out/a", true, "calibration.json", "model.int8.onnx");
    assertEquals(List.of("_QCAL", "calibration.json", "model.int8.onnx", "notes.md"),
        dfs.names("/out/a"));
    assertEquals(List.of("a"), dfs.names("/out"), "no temporary, lock or old folder beside it");
    assertTrue(fs.getFileStatus(MiniHdfs.path("/out/a")).getModificationTime() >= folderId);
  }

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheFolder() throws IOException {
    try (AtomicOutputDir first = reserve("/busy/out", false)) {
      assertTrue(refusal("/busy/out").contains("being written by another qcal run"));
      first.write("a.json", new byte[] {1});
      first.commit();
    }
    assertEquals(List.of("_QCAL", "a.json"), dfs.names("/busy/out"));
  }

  @Test
  void aKilledRunsLockAndTemporaryAreCleanedByTheNextRun() throws IOException {
    write("/killed/.out.qcal-lock", "run=r1\nhost=elsewhere\npid=1\n");
    write("/killed/.out.qcal-tmp-r1/_QCAL", "format=qcal-output/1\nrun=r1\nstate=writing\n");
    write("/killed/.out.qcal-tmp-r1/calibration.json", "half");
    long old = System.currentTimeMillis() - 10 * 60_000;
    fs.setTimes(MiniHdfs.path("/killed/.out.qcal-lock"), old, -1);
    run("/killed/out", false, "calibration.json");
    assertEquals(List.of("out"), dfs.names("/killed"));
  }
}
