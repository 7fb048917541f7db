package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

/** Preprocessing math on raw OpenCV-order bytes, as Spark's image source hands them over. */
class ImageTensorizerTest {
  // A 2x2 image; pixel (y, x) has RGB (10,20,30) (40,50,60) / (70,80,90) (100,110,120),
  // stored BGR and row-major as Spark's image source stores it.
  private static final byte[] BGR_2X2 = bytes(30, 20, 10, 60, 50, 40, 90, 80, 70, 120, 110, 100);

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  private static float[] tensor(ImagePreprocessing spec, byte[] data, int h, int w, int n) {
    return new ImageTensorizer(spec).tensor(data, h, w, n);
  }

  private static final ImagePreprocessing RAW = ImagePreprocessing.defaults().scale(1);

  @Test
  void nchwIsChannelPlanesInRgbOrder() {
    assertArrayEquals(new float[] {10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120},
        tensor(RAW, BGR_2X2, 2, 2, 3));
  }

  @Test
  void nhwcIsInterleavedRgb() {
    assertArrayEquals(new float[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120},
        tensor(RAW.layout(ImagePreprocessing.Layout.NHWC), BGR_2X2, 2, 2, 3));
  }

  @Test
  void meanAndStdApplyPerChannel() {
    // R: (v - 10) / 2, G: (v - 20) / 4, B: (v - 30) / 5
    assertArrayEquals(new float[] {0, 15, 30, 45, 0, 7.5f, 15, 22.5f, 0, 6, 12, 18},
        tensor(RAW.mean(10, 20, 30).std(2, 4, 5), BGR_2X2, 2, 2, 3));
  }

  @Test
  void defaultScaleMapsBytesToUnitRange() {
    // gray 0 and 255, scale 1/255, mean 0.5, std 0.5: (0 - .5) / .5 = -1, (1 - .5) / .5 = 1
    float[] t = tensor(ImagePreprocessing.defaults().color(ImagePreprocessing.Color.GRAY)
        .mean(0.5f).std(0.5f), bytes(0, 255), 1, 2, 1);
    assertArrayEquals(new float[] {-1, 1}, t, 1e-6f);
  }

  @Test
  void downscaleByTwoAveragesEachBlock() {
    // sample point (0.5, 0.5): R (10+40+70+100)/4 = 55, G 65, B 75
    assertArrayEquals(new float[] {55, 65, 75}, tensor(RAW.resize(1, 1), BGR_2X2, 2, 2, 3));
  }

  @Test
  void upscaleInterpolatesWithHalfPixelCentres() {
    // 1x2 [0, 255] to 1x4: x samples the source at (x + .5) * 2 / 4 - .5 = -.25 (edge: 0),
    // .25, .75, 1.25 (edge: 1): 0, 255 * .25, 255 * .75, 255
    float[] t = tensor(RAW.color(ImagePreprocessing.Color.GRAY).resize(1, 4), bytes(0, 255),
        1, 2, 1);
    assertArrayEquals(new float[] {0, 63.75f, 191.25f, 255}, t);
  }

  @Test
  void alphaIsDropped() {
    assertArrayEquals(new float[] {10, 20, 30}, tensor(RAW, bytes(30, 20, 10, 255), 1, 1, 4));
  }

  @Test
  void grayscaleUsesBt601Luma() {
    // R 200, G 100, B 0: 0.299 * 200 + 0.587 * 100 + 0.114 * 0 = 59.8 + 58.7 = 118.5
    float[] t = tensor(RAW.color(ImagePreprocessing.Color.GRAY), bytes(0, 100, 200), 1, 1, 3);
    assertEquals(1, t.length);
    assertEquals(118.5f, t[0], 1e-4f);
  }

  @Test
  void graySourceIsRepeatedForRgb() {
    assertArrayEquals(new float[] {77, 77, 77}, tensor(RAW, bytes(77), 1, 1, 1));
  }

  @Test
  void unreadableImageNamesTheFile() {
    ImageTensorizer t = new ImageTensorizer(RAW);
    QcalException e = assertThrows(QcalException.class, () -> t.call(RowFactory.create(
        RowFactory.create("file:/data/broken.png", -1, -1, -1, -1, new byte[0]))));
    assertEquals("file 'file:/data/broken.png' is not a readable image (png, jpeg, bmp, gif), "
        + "or has -1 channels", e.getMessage());
  }
}
