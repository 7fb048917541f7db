package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

/** The one-sample-or-batch rule; reading files through Spark is in DatasetLoaderTest. */
class NpyReaderTest {
  @Test
  void fileShapedLikeTheSampleIsOneSample() {
    assertArrayEquals(new long[] {1, 6}, NpyReader.split(new long[] {2, 3}, new long[] {2, 3},
        "a.npy"));
  }

  @Test
  void fileWithALeadingDimIsABatch() {
    assertArrayEquals(new long[] {4, 6}, NpyReader.split(new long[] {4, 2, 3},
        new long[] {2, 3}, "a.npy"));
  }

  @Test
  void dynamicSampleDimsMatchAnyLength() {
    assertArrayEquals(new long[] {1, 7}, NpyReader.split(new long[] {7}, new long[] {-1},
        "a.npy"));
    assertArrayEquals(new long[] {2, 7}, NpyReader.split(new long[] {2, 7}, new long[] {-1},
        "a.npy"));
  }

  @Test
  void withoutASampleShapeEveryFileIsOneSample() {
    assertArrayEquals(new long[] {1, 24}, NpyReader.split(new long[] {4, 2, 3}, null, "a.npy"));
  }

  @Test
  void otherShapesAreErrors() {
    QcalException e = assertThrows(QcalException.class,
        () -> NpyReader.split(new long[] {3, 2}, new long[] {2, 3}, "a.npy"));
    assertEquals("file 'a.npy' has shape (3, 2); the input needs [2,3] per sample, or [n,2,3] "
        + "for n samples", e.getMessage());
    QcalException e1 = assertThrows(QcalException.class,
        () -> NpyReader.split(new long[] {5}, new long[] {2, 3}, "a.npy"));
    assertEquals("file 'a.npy' has shape (5,); the input needs [2,3] per sample, or [n,2,3] "
        + "for n samples", e1.getMessage());
  }
}
