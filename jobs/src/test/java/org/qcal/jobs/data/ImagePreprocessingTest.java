package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ImagePreprocessingTest {
  @Test
  void defaultsAreUnitRangeRgbNchwWithoutResize() {
    ImagePreprocessing d = ImagePreprocessing.defaults();
    assertFalse(d.resizes());
    assertEquals(1f / 255, d.scale());
    assertEquals(0f, d.mean(2));
    assertEquals(1f, d.std(0));
    assertEquals(ImagePreprocessing.Color.RGB, d.color());
    assertEquals(ImagePreprocessing.Layout.NCHW, d.layout());
    assertEquals(3, d.channels());
  }

  @Test
  void parsesEveryKey() {
    ImagePreprocessing p = ImagePreprocessing.parse("resize=224x160, scale=1/255,"
        + "mean=0.485:0.456:0.406,std=0.229:0.224:0.225,color=rgb,layout=NHWC");
    assertEquals(224, p.height());
    assertEquals(160, p.width());
    assertEquals((float) (1.0 / 255), p.scale());
    assertEquals(0.456f, p.mean(1));
    assertEquals(0.225f, p.std(2));
    assertEquals(ImagePreprocessing.Layout.NHWC, p.layout());
    ImagePreprocessing g = ImagePreprocessing.parse("color=grayscale,scale=0.5,mean=1,std=2");
    assertEquals(ImagePreprocessing.Color.GRAY, g.color());
    assertEquals(1, g.channels());
    assertEquals(0.5f, g.scale());
    assertEquals(ImagePreprocessing.parse(g.toString()).toString(), g.toString());
  }

  @Test
  void rejectsBadSpecs() {
    assertEquals("image preprocessing: unknown key 'size' in 'size=3x3' (keys: resize, scale, "
        + "mean, std, color, layout)", assertThrows(QcalException.class,
            () -> ImagePreprocessing.parse("size=3x3")).getMessage());
    assertEquals("image mean needs 1 value for GRAY, got [0.1, 0.2, 0.3]",
        assertThrows(QcalException.class,
            () -> ImagePreprocessing.parse("color=gray,mean=0.1:0.2:0.3")).getMessage());
    assertEquals("image std must be finite and non-zero, got 0.0",
        assertThrows(QcalException.class,
            () -> ImagePreprocessing.parse("std=0")).getMessage());
    assertEquals("image resize must be HxW (e.g. 224x224), got '224'",
        assertThrows(QcalException.class,
            () -> ImagePreprocessing.parse("resize=224")).getMessage());
    assertEquals("image layout must be one of [nchw, nhwc], got 'chw'",
        assertThrows(QcalException.class,
            () -> ImagePreprocessing.parse("layout=chw")).getMessage());
  }

  @Test
  void fitToTakesTheSizeFromTheModel() {
    ImagePreprocessing p = ImagePreprocessing.defaults().fitTo(new long[] {3, 224, 160}, "x");
    assertEquals(224, p.height());
    assertEquals(160, p.width());
    ImagePreprocessing nhwc = ImagePreprocessing.defaults()
        .layout(ImagePreprocessing.Layout.NHWC).fitTo(new long[] {32, 48, 3}, "x");
    assertEquals(32, nhwc.height());
    assertEquals(48, nhwc.width());
  }

  @Test
  void fitToKeepsAnExplicitResizeAndDynamicSizes() {
    ImagePreprocessing explicit = ImagePreprocessing.defaults().resize(8, 8);
    assertSame(explicit, explicit.fitTo(new long[] {3, 224, 224}, "x"));
    assertFalse(ImagePreprocessing.defaults().fitTo(new long[] {3, -1, -1}, "x").resizes());
  }

  @Test
  void fitToChecksTheChannelCount() {
    QcalException e = assertThrows(QcalException.class,
        () -> ImagePreprocessing.defaults().fitTo(new long[] {1, 28, 28}, "x"));
    assertEquals("input 'x' [1,28,28] read as NCHW has 1 channels; the image preprocessing "
        + "gives 3 (RGB): set color or layout", e.getMessage());
    QcalException rank = assertThrows(QcalException.class,
        () -> ImagePreprocessing.defaults().fitTo(new long[] {784}, "x"));
    assertEquals("input 'x' [784] per sample is not an image: expected [C,H,W] (NCHW)",
        rank.getMessage());
  }
}
