package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.QcalException;

/** Format detection through Hadoop's local FileSystem (no Spark needed). */
class FormatDetectorTest {
  @TempDir
  Path dir;

  private static DataFormat detect(Path p) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    return FormatDetector.detect(fs, new org.apache.hadoop.fs.Path(p.toUri()), p.toString());
  }

  private Path touch(String relative) throws IOException {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    return Files.write(f, new byte[] {1});
  }

  @Test
  void fileIsJudgedByItsExtension() throws IOException {
    assertEquals(DataFormat.NPY, detect(touch("a.npy")));
    assertEquals(DataFormat.IMAGE, detect(touch("b.jpeg")));
  }

  @Test
  void folderIgnoresBookkeepingFiles() throws IOException {
    touch("t/_SUCCESS");
    touch("t/.part-00000.snappy.parquet.crc");
    touch("t/_temporary/0/x.json");
    touch("t/part-00000.snappy.parquet");
    assertEquals(DataFormat.PARQUET, detect(dir.resolve("t")));
  }

  @Test
  void folderLooksIntoPartitionFolders() throws IOException {
    touch("t/year=2024/part-0.orc");
    touch("t/year=2025/part-0.orc");
    assertEquals(DataFormat.ORC, detect(dir.resolve("t")));
  }

  @Test
  void filesQcalDoesNotReadAreIgnored() throws IOException {
    touch("imgs/cats/1.png");
    touch("imgs/labels.txt");
    assertEquals(DataFormat.IMAGE, detect(dir.resolve("imgs")));
  }

  @Test
  void globsAreExpanded() throws IOException {
    touch("g/a.json");
    touch("g/b.parquet");
    assertEquals(DataFormat.JSON, detect(dir.resolve("g").resolve("*.json")));
  }

  @Test
  void mixedFolderIsAnError() throws IOException {
    touch("m/a.json");
    touch("m/b.parquet");
    QcalException e = assertThrows(QcalException.class, () -> detect(dir.resolve("m")));
    assertEquals("data path '" + dir.resolve("m") + "' mixes parquet (b.parquet) and json "
        + "(a.json) files; pass --format or point at one kind", e.getMessage());
  }

  @Test
  void unknownFilesAreAnError() throws IOException {
    touch("u/a.csv");
    QcalException e = assertThrows(QcalException.class, () -> detect(dir.resolve("u")));
    assertEquals("cannot tell the format of data path '" + dir.resolve("u") + "' (files like "
        + "a.csv); pass --format parquet, orc, json, image or npy", e.getMessage());
  }

  @Test
  void emptyFolderIsAnError() throws IOException {
    Files.createDirectories(dir.resolve("e"));
    QcalException e = assertThrows(QcalException.class, () -> detect(dir.resolve("e")));
    assertEquals("data path '" + dir.resolve("e") + "' holds no files", e.getMessage());
  }

  @Test
  void missingPathIsNamed() {
    QcalException e = assertThrows(QcalException.class, () -> detect(dir.resolve("nope")));
    assertEquals("data path '" + dir.resolve("nope") + "' does not exist", e.getMessage());
  }

  @Test
  void hiddenMeansAComponentStartingWithUnderscoreOrDot() {
    assertTrue(FormatDetector.hidden("/_SUCCESS"));
    assertTrue(FormatDetector.hidden("/a/.b/c.parquet"));
    assertEquals(false, FormatDetector.hidden("/year=2024/part-0.parquet"));
  }
}
