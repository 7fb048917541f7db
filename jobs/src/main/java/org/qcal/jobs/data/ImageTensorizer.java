package org.qcal.jobs.data;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.qcal.QcalException;

/**
 * Turns a row of Spark's image source ({@code image: struct<origin, height, width, nChannels,
 * mode, data>}, bytes row-major in OpenCV order: gray, BGR or BGRA) into
 * {@code (origin, image: array<float>)} following an {@link ImagePreprocessing}.
 */
final class ImageTensorizer implements Function<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ImagePreprocessing spec;

  ImageTensorizer(ImagePreprocessing spec) {
    this.spec = spec;
  }

  @Override
  public Row call(Row row) {
    Row image = row.getStruct(0);
    String origin = image.getString(0);
    int h = image.getInt(1);
    int w = image.getInt(2);
    int n = image.getInt(3);
    if (h <= 0 || w <= 0 || (n != 1 && n != 3 && n != 4)) {
      throw new QcalException("file '" + origin + "' is not a readable image (png, jpeg, bmp, "
          + "gif), or has " + n + " channels");
    }
    return RowFactory.create(origin, tensor((byte[]) image.get(5), h, w, n));
  }

  /** The preprocessed tensor of an {@code h x w} image of {@code n} interleaved channels. */
  float[] tensor(byte[] data, int h, int w, int n) {
    float[][] planes = planes(data, h, w, n);
    int outH = spec.resizes() ? spec.height() : h;
    int outW = spec.resizes() ? spec.width() : w;
    int channels = planes.length;
    float[] out = new float[channels * outH * outW];
    boolean nchw = spec.layout() == ImagePreprocessing.Layout.NCHW;
    for (int c = 0; c < channels; c++) {
      float[] plane = outH == h && outW == w ? planes[c] : resize(planes[c], h, w, outH, outW);
      float scale = spec.scale();
      float mean = spec.mean(c);
      float std = spec.std(c);
      for (int p = 0; p < outH * outW; p++) {
        float v = (plane[p] * scale - mean) / std;
        out[nchw ? c * outH * outW + p : p * channels + c] = v;
      }
    }
    return out;
  }

  /** The output channels (R, G, B or one luma plane) at the source size, as floats 0..255. */
  private float[][] planes(byte[] data, int h, int w, int n) {
    int pixels = h * w;
    if (data.length != pixels * n) {
      throw new IllegalStateException("image of " + h + "x" + w + "x" + n + " has "
          + data.length + " bytes");
    }
    boolean gray = spec.color() == ImagePreprocessing.Color.GRAY;
    float[][] planes = new float[gray ? 1 : 3][pixels];
    for (int p = 0; p < pixels; p++) {
      int at = p * n;
      if (n == 1) {
        float v = data[at] & 0xFF;
        for (float[] plane : planes) {
          plane[p] = v;
        }
        continue;
      }
      float b = data[at] & 0xFF;
      float g = data[at + 1] & 0xFF;
      float r = data[at + 2] & 0xFF;
      if (gray) {
        planes[0][p] = 0.299f * r + 0.587f * g + 0.114f * b;
      } else {
        planes[0][p] = r;
        planes[1][p] = g;
        planes[2][p] = b;
      }
    }
    return planes;
  }

  /**
   * Bilinear resize with half-pixel centres: output pixel {@code y} samples the source at
   * {@code (y + 0.5) * inH / outH - 0.5}, clamped to the edge pixels.
   */
  static float[] resize(float[] src, int inH, int inW, int outH, int outW) {
    float[] out = new float[outH * outW];
    for (int y = 0; y < outH; y++) {
      double sy = clamp((y + 0.5) * inH / outH - 0.5, inH - 1);
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, inH - 1);
      float fy = (float) (sy - y0);
      for (int x = 0; x < outW; x++) {
        double sx = clamp((x + 0.5) * inW / outW - 0.5, inW - 1);
        int x0 = (int) sx;
        int x1 = Math.min(x0 + 1, inW - 1);
        float fx = (float) (sx - x0);
        float top = src[y0 * inW + x0] * (1 - fx) + src[y0 * inW + x1] * fx;
        float bottom = src[y1 * inW + x0] * (1 - fx) + src[y1 * inW + x1] * fx;
        out[y * outW + x] = top * (1 - fy) + bottom * fy;
      }
    }
    return out;
  }

  private static double clamp(double v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
