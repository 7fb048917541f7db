package org.qcal.jobs.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import org.qcal.QcalException;

/**
 * How decoded images become model input: resize to H x W (bilinear, half-pixel centres, as
 * OpenCV's INTER_LINEAR without antialiasing; no resize keeps each image's size), convert to RGB
 * or grayscale (ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B), then per channel
 * {@code (pixel * scale - mean[c]) / std[c]}, laid out as NCHW ({@code [C,H,W]} per sample) or
 * NHWC ({@code [H,W,C]}). Values stay float from decoding to the end: nothing is rounded back
 * to 8 bits after the resize.
 *
 * <p>Defaults: no resize, scale 1/255, mean 0, std 1, RGB, NCHW (what torchvision's
 * {@code ToTensor} gives). The text form, for the command line:
 * {@code resize=224x224,scale=1/255,mean=0.485:0.456:0.406,std=0.229:0.224:0.225,color=rgb,layout=nchw}.
 */
public final class ImagePreprocessing implements Serializable {
  private static final long serialVersionUID = 1L;

  public enum Color { RGB, GRAY }

  public enum Layout { NCHW, NHWC }

  private final int height;
  private final int width;
  private final float scale;
  private final float[] mean;
  private final float[] std;
  private final Color color;
  private final Layout layout;

  private ImagePreprocessing(int height, int width, float scale, float[] mean, float[] std,
      Color color, Layout layout) {
    if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
      throw new QcalException("image resize must be HxW with H, W >= 1, got " + height + "x"
          + width);
    }
    int channels = color == Color.RGB ? 3 : 1;
    check("mean", mean, channels, color);
    check("std", std, channels, color);
    for (float s : std) {
      if (!(s != 0) || !Float.isFinite(s)) {
        throw new QcalException("image std must be finite and non-zero, got " + s);
      }
    }
    if (!Float.isFinite(scale) || scale == 0) {
      throw new QcalException("image scale must be finite and non-zero, got " + scale);
    }
    this.height = height;
    this.width = width;
    this.scale = scale;
    this.mean = mean.clone();
    this.std = std.clone();
    this.color = color;
    this.layout = layout;
  }

  /** No resize, scale 1/255, mean 0, std 1, RGB, NCHW. */
  public static ImagePreprocessing defaults() {
    return new ImagePreprocessing(0, 0, 1f / 255, new float[] {0}, new float[] {1}, Color.RGB,
        Layout.NCHW);
  }

  public ImagePreprocessing resize(int h, int w) {
    return new ImagePreprocessing(h, w, scale, mean, std, color, layout);
  }

  public ImagePreprocessing scale(float s) {
    return new ImagePreprocessing(height, width, s, mean, std, color, layout);
  }

  /** One value for every channel, or one per channel (R, G, B). */
  public ImagePreprocessing mean(float... m) {
    return new ImagePreprocessing(height, width, scale, m, std, color, layout);
  }

  /** One value for every channel, or one per channel (R, G, B). */
  public ImagePreprocessing std(float... s) {
    return new ImagePreprocessing(height, width, scale, mean, s, color, layout);
  }

  /** Grayscale or RGB; a per-channel mean or std must then have 1 or 3 values. */
  public ImagePreprocessing color(Color c) {
    return new ImagePreprocessing(height, width, scale, mean, std, c, layout);
  }

  public ImagePreprocessing layout(Layout l) {
    return new ImagePreprocessing(height, width, scale, mean, std, color, l);
  }

  /** Parses the text form (see the class comment); keys may come in any order. */
  public static ImagePreprocessing parse(String spec) {
    int h = 0;
    int w = 0;
    float scale = 1f / 255;
    float[] mean = {0};
    float[] std = {1};
    Color color = Color.RGB;
    Layout layout = Layout.NCHW;
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.split("=", 2);
      String key = kv[0].trim().toLowerCase(Locale.ROOT);
      String value = kv.length == 2 ? kv[1].trim() : "";
      switch (key) {
        case "resize" -> {
          String[] hw = value.toLowerCase(Locale.ROOT).split("x");
          if (hw.length != 2) {
            throw new QcalException("image resize must be HxW (e.g. 224x224), got '" + value + "'");
          }
          h = (int) number(hw[0], "resize height");
          w = (int) number(hw[1], "resize width");
        }
        case "scale" -> scale = (float) number(value, "scale");
        case "mean" -> mean = numbers(value, "mean");
        case "std" -> std = numbers(value, "std");
        case "color" -> color = choose(Color.class, value, "color");
        case "layout" -> layout = choose(Layout.class, value, "layout");
        default -> throw new QcalException("image preprocessing: unknown key '" + key + "' in '"
            + spec + "' (keys: resize, scale, mean, std, color, layout)");
      }
    }
    return new ImagePreprocessing(h, w, scale, mean, std, color, layout);
  }

  /**
   * This spec with the resize taken from the model's sample shape when none was given, and the
   * channel count checked against it. {@code sampleShape} is {@code [C,H,W]} (NCHW) or
   * {@code [H,W,C]} (NHWC); a dynamic H or W leaves the images at their own size.
   */
  public ImagePreprocessing fitTo(long[] sampleShape, String inputName) {
    if (sampleShape.length != 3) {
      throw new QcalException("input '" + inputName + "' " + ModelInput.formatShape(sampleShape)
          + " per sample is not an image: expected " + (layout == Layout.NCHW ? "[C,H,W]"
          : "[H,W,C]") + " (" + layout + ")");
    }
    boolean nchw = layout == Layout.NCHW;
    long c = nchw ? sampleShape[0] : sampleShape[2];
    if (c != ModelInput.DYNAMIC && c != channels()) {
      throw new QcalException("input '" + inputName + "' " + ModelInput.formatShape(sampleShape)
          + " read as " + layout + " has " + c + " channels; the image preprocessing gives "
          + channels() + " (" + color + "): set color or layout");
    }
    long h = nchw ? sampleShape[1] : sampleShape[0];
    long w = nchw ? sampleShape[2] : sampleShape[1];
    if (height != 0 || h == ModelInput.DYNAMIC || w == ModelInput.DYNAMIC) {
      return this;
    }
    return resize((int) h, (int) w);
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public boolean resizes() {
    return height > 0;
  }

  public float scale() {
    return scale;
  }

  public Color color() {
    return color;
  }

  public Layout layout() {
    return layout;
  }

  public int channels() {
    return color == Color.RGB ? 3 : 1;
  }

  /** The mean of channel {@code c} (a single value applies to all). */
  public float mean(int c) {
    return mean.length == 1 ? mean[0] : mean[c];
  }

  /** The std of channel {@code c} (a single value applies to all). */
  public float std(int c) {
    return std.length == 1 ? std[0] : std[c];
  }

  @Override
  public String toString() {
    return (resizes() ? "resize=" + height + "x" + width + "," : "") + "scale=" + scale
        + ",mean=" + join(mean) + ",std=" + join(std) + ",color="
        + color.name().toLowerCase(Locale.ROOT) + ",layout=" + layout.name().toLowerCase(Locale.ROOT);
  }

  private static void check(String what, float[] values, int channels, Color color) {
    if (values == null || (values.length != 1 && values.length != channels)) {
      throw new QcalException("image " + what + " needs " + (channels == 1 ? "1 value"
          : "1 or " + channels + " values") + " for " + color + ", got "
          + (values == null ? "none" : Arrays.toString(values)));
    }
  }

  private static double number(String text, String what) {
    try {
      int slash = text.indexOf('/');
      if (slash >= 0) {
        return Double.parseDouble(text.substring(0, slash).trim())
            / Double.parseDouble(text.substring(slash + 1).trim());
      }
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new QcalException("image " + what + " must be a number (or a/b), got '" + text + "'");
    }
  }

  private static float[] numbers(String text, String what) {
    String[] parts = text.split(":");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = (float) number(parts[i], what);
    }
    return values;
  }

  private static <E extends Enum<E>> E choose(Class<E> type, String value, String what) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value) || (e.name().equals("GRAY")
          && value.equalsIgnoreCase("grayscale"))) {
        return e;
      }
    }
    throw new QcalException("image " + what + " must be one of "
        + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got '" + value
        + "'");
  }

  private static String join(float[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i > 0 ? ":" : "").append(values[i]);
    }
    return sb.toString();
  }
}
