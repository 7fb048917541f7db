package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DataFormatTest {
  @Test
  void namesAreCaseInsensitiveWithAliases() {
    assertEquals(DataFormat.PARQUET, DataFormat.fromName("Parquet"));
    assertEquals(DataFormat.IMAGE, DataFormat.fromName("jpeg"));
    assertEquals(DataFormat.IMAGE, DataFormat.fromName("images"));
    assertEquals(DataFormat.NPY, DataFormat.fromName(" npy "));
    assertNull(DataFormat.fromName("csv")); // handed to Spark as is
  }

  @Test
  void fileNamesAreJudgedByExtensionThroughCompression() {
    assertEquals(DataFormat.PARQUET, DataFormat.fromFileName("part-00000-1a2b.c000.snappy.parquet"));
    assertEquals(DataFormat.ORC, DataFormat.fromFileName("part-00000.zstd.orc"));
    assertEquals(DataFormat.JSON, DataFormat.fromFileName("part-00000.json.gz"));
    assertEquals(DataFormat.IMAGE, DataFormat.fromFileName("CAT.JPG"));
    assertEquals(DataFormat.NPY, DataFormat.fromFileName("x.npy"));
    assertNull(DataFormat.fromFileName("x.npz"));
    assertNull(DataFormat.fromFileName("labels.txt"));
  }
}
