package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.QcalException;

/**
 * The output folder on the local file system through Hadoop: appears whole, refuses what is not
 * qcal's, replaces only what qcal wrote, one run at a time, cleans up after killed runs.
 */
class AtomicOutputDirTest {
  private static final Configuration CONF = new Configuration();
  @TempDir Path tmp;

  private AtomicOutputDir reserve(Path out, boolean overwrite) {
    return AtomicOutputDir.reserve(out.toString(), overwrite, "calibrate", List.of(), CONF);
  }

  private void run(Path out, boolean overwrite, String... files) throws IOException {
    try (AtomicOutputDir dir = reserve(out, overwrite)) {
      for (String f : files) {
        dir.write(f, (f + " of this run").getBytes(StandardCharsets.UTF_8));
      }
      dir.commit();
    }
  }

  private List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void commitMovesTheFilesAndTheMarkerIntoPlaceAndLeavesNothingBeside() throws IOException {
    Path out = tmp.resolve("out");
    run(out, false, "a.json", "b.onnx");
    assertEquals(List.of("_QCAL", "a.json", "b.onnx"), names(out));
    assertEquals(List.of("out"), names(tmp));
    String marker = Files.readString(out.resolve("_QCAL"));
    assertTrue(marker.contains("state=complete\nfiles=a.json,b.onnx\n"), marker);
  }

  @Test
  void theTargetDoesNotExistUntilTheCommitMovesItInWhole() throws IOException {
    Path out = tmp.resolve("out");
    try (AtomicOutputDir dir = reserve(out, false)) {
      dir.write("a.json", new byte[] {1});
      dir.write("b.onnx", new byte[] {2});
      assertFalse(Files.exists(out), "no half-written folder under the target's name");
      dir.commit();
      assertEquals(List.of("_QCAL", "a.json", "b.onnx"), names(out));
    }
  }

  @Test
  void closeWithoutCommitLeavesNoFolderNoLockAndNoParentItCreated() throws IOException {
    Path out = tmp.resolve("new/deeper/out");
    try (AtomicOutputDir dir = reserve(out, false)) {
      dir.write("a.json", new byte[] {1});
    }
    assertEquals(List.of(), names(tmp));
  }

  @Test
  void refusesAnExistingFolderWithoutOverwrite() throws IOException {
    Path out = tmp.resolve("out");
    run(out, false, "a.json");
    String m = assertThrows(QcalException.class, () -> reserve(out, false)).getMessage();
    assertTrue(m.contains("already exists (use --overwrite"), m);
    assertEquals(List.of("out"), names(tmp));
  }

  @Test
  void overwriteRefusesAFolderQcalDidNotWriteAndTouchesNothing() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("photos"));
    Files.writeString(out.resolve("holiday.jpg"), "precious");
    String m = assertThrows(QcalException.class, () -> reserve(out, true)).getMessage();
    assertTrue(m.contains("was not written by qcal (no _QCAL file)"), m);
    assertEquals(List.of("holiday.jpg"), names(out));
    assertEquals(List.of("photos"), names(tmp));
  }

  @Test
  void overwriteRefusesAFile() throws IOException {
    Path out = Files.writeString(tmp.resolve("out"), "x");
    String m = assertThrows(QcalException.class, () -> reserve(out, true)).getMessage();
    assertTrue(m.contains("is a file, not a folder"), m);
  }

  @Test
  void overwriteReplacesQcalsFilesKeepsOthersAndDropsOnesNoLongerWritten() throws IOException {
    Path out = tmp.resolve("out");
    run(out, false, "a.json", "old.txt");
    Files.writeString(out.resolve("notes.md"), "mine");
    run(out, true, "a.json", "b.onnx");
    assertEquals(List.of("_QCAL", "a.json", "b.onnx", "notes.md"), names(out));
    assertEquals("mine", Files.readString(out.resolve("notes.md")));
    assertEquals("a.json of this run", Files.readString(out.resolve("a.json")));
    assertTrue(Files.readString(out.resolve("_QCAL")).contains("files=a.json,b.onnx\n"));
    assertEquals(List.of("out"), names(tmp));
  }

  @Test
  void aFailureMidWriteOverAnEarlierOutputLeavesItsContentsAsTheyWere() throws IOException {
    Path out = tmp.resolve("out");
    run(out, false, "a.json", "b.onnx");
    byte[] marker = Files.readAllBytes(out.resolve("_QCAL"));
    IOException failure = assertThrows(IOException.class, () -> {
      try (AtomicOutputDir dir = reserve(out, true); OutputStream a = dir.create("a.json")) {
        a.write("half of a new a.json".getBytes(StandardCharsets.UTF_8));
        throw new IOException("disk full");
      }
    });
    assertEquals("disk full", failure.getMessage());
    assertEquals(List.of("_QCAL", "a.json", "b.onnx"), names(out));
    assertEquals("a.json of this run", Files.readString(out.resolve("a.json")));
    assertEquals("b.onnx of this run", Files.readString(out.resolve("b.onnx")));
    assertArrayEquals(marker, Files.readAllBytes(out.resolve("_QCAL")));
    assertEquals(List.of("out"), names(tmp), "no temporary folder and no lock left beside");
  }

  @Test
  void overwriteKeepsTheSameFolderSoItNeverDisappears() throws IOException {
    Path out = tmp.resolve("out");
    run(out, false, "a.json");
    Object before = Files.readAttributes(out, "unix:ino").get("ino");
    run(out, true, "a.json");
    assertEquals(before, Files.readAttributes(out, "unix:ino").get("ino"));
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefusedAtItsStart() throws IOException {
    Path out = tmp.resolve("out");
    try (AtomicOutputDir first = reserve(out, false)) {
      String m = assertThrows(QcalException.class, () -> reserve(out, true)).getMessage();
      assertTrue(m.contains("is being written by another qcal run"), m);
      first.write("a.json", new byte[] {1});
      first.commit();
    }
    assertEquals(List.of("_QCAL", "a.json"), names(out));
  }

  @Test
  void aLockOfADeadProcessIsTakenOverAndItsTemporaryRemoved() throws IOException {
    Path out = tmp.resolve("out");
    // What a run killed with SIGKILL leaves: its lock and its temporary folder with a marker.
    Process dead = new ProcessBuilder("true").start();
    long pid = dead.pid();
    waitFor(dead);
    Files.writeString(tmp.resolve(".out.qcal-lock"), "run=r1\nhost="
        + java.net.InetAddress.getLocalHost().getHostName() + "\npid=" + pid + "\n");
    Path stale = Files.createDirectories(tmp.resolve(".out.qcal-tmp-r1"));
    Files.writeString(stale.resolve("_QCAL"), "format=qcal-output/1\nrun=r1\nstate=writing\n");
    Files.writeString(stale.resolve("a.json"), "half");
    run(out, false, "a.json");
    assertEquals(List.of("out"), names(tmp));
  }

  @Test
  void aLockWithoutHeartbeatIsStaleWhateverItsHost() throws IOException {
    Path out = tmp.resolve("out");
    Path lock = Files.writeString(tmp.resolve(".out.qcal-lock"), "run=r1\nhost=elsewhere\npid=1\n");
    assertThrows(QcalException.class, () -> reserve(out, false));
    Files.setLastModifiedTime(lock, FileTime.fromMillis(
        System.currentTimeMillis() - OutputLock.STALE_MILLIS - 1000));
    run(out, false, "a.json");
    assertFalse(Files.exists(lock));
  }

  @Test
  void aFolderWithoutMarkerBesideTheOutputIsNotTouched() throws IOException {
    Path out = tmp.resolve("out");
    Path lookalike = Files.createDirectories(tmp.resolve(".out.qcal-tmp-mine"));
    Files.writeString(lookalike.resolve("keep.txt"), "mine");
    run(out, false, "a.json");
    assertEquals(List.of("keep.txt"), names(lookalike));
  }

  private static void waitFor(Process p) {
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
