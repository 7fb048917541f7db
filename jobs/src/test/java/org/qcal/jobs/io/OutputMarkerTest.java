package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The _QCAL marker: its round trip, and that it can never name a file outside its folder. */
class OutputMarkerTest {
  @TempDir Path tmp;

  private FileSystem fs() throws IOException {
    return FileSystem.getLocal(new Configuration());
  }

  private org.apache.hadoop.fs.Path folder() {
    return new org.apache.hadoop.fs.Path(tmp.toString());
  }

  @Test
  void roundTrips() throws IOException {
    OutputMarker m = new OutputMarker("tune", true, List.of("a.json", "b.onnx"));
    m.write(fs(), folder());
    assertEquals(m, OutputMarker.read(fs(), folder()));
  }

  @Test
  void dropsNamesThatLeaveTheFolder() throws IOException {
    Files.writeString(tmp.resolve("_QCAL"),
        "format=qcal-output/1\nrun=r\nstate=complete\nfiles=a.json,../data,x/y,..,_QCAL\n");
    assertEquals(List.of("a.json"), OutputMarker.read(fs(), folder()).files());
  }

  @Test
  void aFileOfAnotherFormatIsNoMarker() throws IOException {
    Files.writeString(tmp.resolve("_QCAL"), "hello\n");
    assertNull(OutputMarker.read(fs(), folder()));
  }
}
