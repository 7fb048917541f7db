package org.qcal.jobs.data;

import java.util.Locale;

/** The data formats qcal reads itself or through Spark, and how their files are named. */
public enum DataFormat {
  PARQUET("parquet", ".parquet"),
  ORC("orc", ".orc"),
  JSON("json", ".json", ".jsonl", ".ndjson"),
  NPY("npy", ".npy"),
  IMAGE("image", ".png", ".jpg", ".jpeg");

  /** Compression suffixes Spark writes after the format's extension (part-0.json.gz). */
  private static final String[] COMPRESSION = {".gz", ".bz2", ".deflate", ".lz4", ".snappy",
      ".zst", ".xz"};

  private final String formatName;
  private final String[] extensions;

  DataFormat(String formatName, String... extensions) {
    this.formatName = formatName;
    this.extensions = extensions;
  }

  /** The name as {@code --format} takes it and Spark's reader knows it. */
  public String formatName() {
    return formatName;
  }

  /**
   * The format named by {@code --format}, or null for a name qcal does not know itself (which
   * is then handed to Spark's reader as is, e.g. {@code csv} or {@code avro}).
   */
  public static DataFormat fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (DataFormat f : values()) {
      if (f.formatName.equals(n)) {
        return f;
      }
    }
    return switch (n) {
      case "images", "png", "jpg", "jpeg" -> IMAGE;
      case "jsonl", "ndjson" -> JSON;
      default -> null;
    };
  }

  /** The format a file's name says, or null (compression suffixes are looked through). */
  public static DataFormat fromFileName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    for (String c : COMPRESSION) {
      if (n.endsWith(c)) {
        n = n.substring(0, n.length() - c.length());
        break;
      }
    }
    for (DataFormat f : values()) {
      for (String ext : f.extensions) {
        if (n.endsWith(ext)) {
          return f;
        }
      }
    }
    return null;
  }

  /**
   * Whether Spark's file source reads every file of a folder (Parquet, ORC, JSON), not only the
   * files with this format's extensions as qcal's own npy and image readers do.
   */
  public boolean readsEveryFile() {
    return this == PARQUET || this == ORC || this == JSON;
  }

  /** The first extension, e.g. {@code .parquet}, for examples in messages. */
  public String extensionExample() {
    return extensions[0];
  }

  /** {@code .parquet} or {@code .png/.jpg/.jpeg}, for messages. */
  public String extensionsText() {
    return String.join("/", extensions);
  }
}
