package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ExternalDataLocationTest {
  private static String normalize(String location) {
    return ExternalDataLocation.normalize(location, "w", "m.onnx");
  }

  private static void refused(String location, String why) {
    QcalException e = assertThrows(QcalException.class, () -> normalize(location), location);
    assertTrue(e.getMessage().contains(why) && e.getMessage().contains("m.onnx")
        && e.getMessage().contains("'w'"), e.getMessage());
  }

  @Test
  void keepsPlainRelativePaths() {
    assertEquals("weights.bin", normalize("weights.bin"));
    assertEquals("data/weights.bin", normalize("data/weights.bin"));
  }

  @Test
  void removesDotAndInnerDotDotSegments() {
    assertEquals("b.bin", normalize("./a/../b.bin"));
    assertEquals("a/c.bin", normalize("a//b/./../c.bin"));
  }

  @Test
  void refusesEscapingPaths() {
    refused("../w.bin", "escapes");
    refused("a/../../w.bin", "escapes");
    refused("..\\w.bin", "escapes");
    refused("a/b/../../../etc/passwd", "escapes");
  }

  @Test
  void refusesAbsolutePaths() {
    refused("/etc/passwd", "absolute");
    refused("\\\\server\\share\\w.bin", "absolute");
    refused("C:\\weights.bin", "absolute");
    refused("hdfs://nn/w.bin", "absolute");
  }

  @Test
  void refusesEmptyAndFolderOnlyLocations() {
    refused("", "has no location");
    refused(null, "has no location");
    refused("a/..", "names the model's folder");
  }
}
