package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.QcalException;

/** The refusals that keep an output folder clear of a run's inputs and of users' folders. */
class OutputLocationTest {
  private static final Configuration CONF = new Configuration();
  @TempDir Path tmp;

  private String refusal(String out, String... inputs) {
    return assertThrows(QcalException.class,
        () -> OutputLocation.check(out, List.of(inputs), CONF)).getMessage();
  }

  @Test
  void refusesTheDataFolderItself() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    String m = refusal(data.toString(), data.toString());
    assertTrue(m.contains("is the input " + data), m);
  }

  @Test
  void refusesAFolderThatContainsAnInput() throws IOException {
    Path file = Files.createDirectories(tmp.resolve("data")).resolve("calib.parquet");
    Files.writeString(file, "x");
    String m = refusal(tmp.resolve("data").toString(), "model.onnx", file.toString());
    assertTrue(m.contains("contains the input " + file), m);
  }

  @Test
  void refusesAFolderInsideAnInputFolder() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    String m = refusal(data.resolve("out").toString(), data.toString());
    assertTrue(m.contains("lies inside the input " + data), m);
  }

  @Test
  void refusesAnInputReachedThroughASymbolicLink() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
    String m = refusal(link.toString(), data.toString());
    assertTrue(m.contains("is the input"), m);
  }

  @Test
  void refusesTheFolderAboveAGlobbedInput() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    String m = refusal(data.toString(), data + "/part-*.parquet");
    assertTrue(m.contains("is the input " + data + "/part-*.parquet"), m);
  }

  @Test
  void refusesTheWorkingFolderTheHomeFolderAndARoot() {
    assertTrue(refusal(".").contains("is the working folder"));
    String home = System.getProperty("user.home");
    assertTrue(refusal(home).contains("is the home folder"));
    String above = Path.of("").toAbsolutePath().getParent().toString();
    assertTrue(refusal(above).contains("is above the working folder"), refusal(above));
    assertTrue(refusal("/").contains("is the root of a file system"));
    assertTrue(refusal("file:///").contains("is the root of a file system"));
  }

  @Test
  void refusesAColonInAName() {
    String m = refusal(tmp.resolve("out-2025-01-01T10:00").toString());
    assertTrue(m.contains("':' is not allowed"), m);
    assertTrue(m.endsWith("e.g. " + tmp.resolve("out-2025-01-01T10-00")), m);
  }

  @Test
  void acceptsASiblingOfTheInputsAndAnInputOnAnotherFileSystem() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path out = tmp.resolve("data-out"); // a prefix of the name is no containment
    assertEquals("file:" + out, OutputLocation.check(out.toString(),
        List.of(data.toString(), "hdfs://namenode:8020" + out), CONF).toString());
  }

  @Test
  void globFreePrefixCutsAtTheFirstGlobComponent() {
    assertEquals("/d/x", OutputLocation.globFreePrefix("/d/x/*.parquet"));
    assertEquals("/d", OutputLocation.globFreePrefix("/d/{a,b}/f"));
    assertEquals(".", OutputLocation.globFreePrefix("*.npy"));
    assertEquals("/", OutputLocation.globFreePrefix("/*"));
    assertEquals("/d/f.onnx", OutputLocation.globFreePrefix("/d/f.onnx"));
  }
}
