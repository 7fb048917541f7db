package org.qcal.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code _QCAL} file qcal writes into every output folder, as Spark's file committer writes
 * {@code _SUCCESS}: it proves the folder is qcal's and lists the files qcal put there, so that
 * {@code --overwrite} replaces exactly those and never anything a user added (docs/DESIGN.md,
 * "Outputs"). Spark's readers skip names that start with {@code _} or {@code .}, so the marker
 * never shows up as data.
 *
 * <p>Its content depends only on what was written, never on the run (no id, no time), so that
 * the same inputs give byte-identical output folders.
 *
 * <pre>
 * format=qcal-output/1
 * command=calibrate
 * state=writing | complete
 * files=calibration.json,calibration.cache,...
 * </pre>
 *
 * @param command the command that wrote it
 * @param complete false while the run is still writing into its temporary folder
 * @param files the files the run wrote, in writing order (not the marker itself)
 */
public record OutputMarker(String command, boolean complete, List<String> files) {
  /** The marker's file name. */
  public static final String NAME = "_QCAL";
  static final String FORMAT = "qcal-output/1";

  public OutputMarker {
    files = List.copyOf(files);
  }

  /** The same marker listing {@code files}, marked complete. */
  OutputMarker completed(List<String> written) {
    return new OutputMarker(command, true, written);
  }

  byte[] toBytes() {
    String text = "format=" + FORMAT + "\ncommand=" + command + "\nstate="
        + (complete ? "complete" : "writing") + "\nfiles=" + String.join(",", files) + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  void write(FileSystem fs, Path folder) throws IOException {
    try (OutputStream out = fs.create(new Path(folder, NAME), true)) {
      out.write(toBytes());
    }
  }

  /** The marker of {@code folder}, or null when it has none (or not one of this format). */
  static OutputMarker read(FileSystem fs, Path folder) throws IOException {
    Path file = new Path(folder, NAME);
    if (!fs.isFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = fs.open(file)) {
      p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
    if (!FORMAT.equals(p.getProperty("format"))) {
      return null;
    }
    List<String> files = new ArrayList<>();
    for (String f : p.getProperty("files", "").split(",")) {
      // A listed name is only ever a plain file name; anything else is not qcal's to touch.
      if (!f.isBlank() && !f.contains("/") && !f.equals("..") && !f.equals(NAME)) {
        files.add(f);
      }
    }
    return new OutputMarker(p.getProperty("command", ""),
        "complete".equals(p.getProperty("state")), files);
  }
}
