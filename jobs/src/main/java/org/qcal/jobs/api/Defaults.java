package org.qcal.jobs.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.quant.QuantType;

/**
 * The defaults of every setting, in one place: the bundled {@code qcal.conf} (a copy of the
 * project's {@code conf/qcal.conf}, where each default is explained). The builders of this
 * package start from these values, and the command line's default provider reads the same file,
 * so a default can never differ between a notebook and {@code qcal}.
 */
public final class Defaults {
  /** Resource name of the bundled defaults, built from {@code conf/qcal.conf}. */
  public static final String BUNDLED = "qcal.conf";

  private static final Map<String, String> VALUES = load();

  public static final List<CalibrationMethod> METHODS = methods(VALUES.get("methods"));
  public static final CalibrationMethod METHOD = CalibrationMethod.MINMAX;
  public static final ExportChoice CHOOSE = ExportChoice.parse(VALUES.get("choose"),
      integer("choose-rows"));
  public static final double PERCENTILE = number("percentile");
  public static final int BINS = integer("bins");
  public static final int PASSES = integer("passes");
  public static final QuantType ACTIVATION_TYPE = QuantType.parse(VALUES.get("activation-type"));
  public static final QuantType WEIGHT_TYPE = QuantType.parse(VALUES.get("weight-type"));
  public static final int WEIGHT_BLOCK_SIZE = integer("weight-block-size");
  public static final boolean SYMMETRIC_ACTIVATIONS = flag("symmetric-activations");
  public static final boolean PER_CHANNEL = flag("per-channel");
  public static final int BATCH_SIZE = integer("batch-size");
  public static final int TAP_MEMORY_MB = integer("tap-memory-mb");
  public static final boolean BIAS_CORRECTION = flag("bias-correction");
  public static final boolean SMOOTH_QUANT = flag("smooth-quant");
  public static final double SMOOTH_QUANT_ALPHA = number("smooth-quant-alpha");
  public static final double MAX_DROP = number("max-drop");
  public static final double MIN_SQNR_DB = number("min-sqnr");
  public static final int MAX_FLOAT_TENSORS = integer("max-float-tensors");
  public static final double TARGET_DROP = number("target-drop");
  public static final boolean BIAS_VARIANTS = flag("bias-variants");

  private Defaults() {}

  /** Every key of the bundled file and its value, sorted by key. */
  public static Map<String, String> values() {
    return VALUES;
  }

  private static Map<String, String> load() {
    try (InputStream in = Defaults.class.getClassLoader().getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("the bundled " + BUNDLED + " is missing from the jar");
      }
      return Collections.unmodifiableMap(
          parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled " + BUNDLED, e);
    }
  }

  /** Parses a qcal.conf-style properties text; {@code where} names it in messages. */
  public static Map<String, String> parse(String text, String where) {
    Properties properties = new Properties();
    try (Reader reader = new StringReader(text)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new QcalException("config file " + where + " is malformed: " + e.getMessage(), e);
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      map.put(key, properties.getProperty(key).trim());
    }
    return map;
  }

  private static String value(String key) {
    String v = VALUES.get(key);
    if (v == null) {
      throw new IllegalStateException("the bundled " + BUNDLED + " has no " + key);
    }
    return v;
  }

  private static int integer(String key) {
    return Integer.parseInt(value(key));
  }

  private static double number(String key) {
    return Double.parseDouble(value(key));
  }

  private static boolean flag(String key) {
    return Boolean.parseBoolean(value(key));
  }

  private static List<CalibrationMethod> methods(String csv) {
    List<CalibrationMethod> methods = new ArrayList<>();
    for (String id : csv.split(",")) {
      methods.add(CalibrationMethod.parse(id.trim()));
    }
    return List.copyOf(methods);
  }
}
