package org.qcal.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.qcal.jobs.cli.Main;

/** qcal's command line run in this JVM (and its active Spark session); both streams kept. */
public record Cli(int exitCode, String out, String err) {
  public static Cli run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(o, e, args);
    }
    return new Cli(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The exit code and both streams, for assertion messages. */
  public String describe() {
    return "exit code " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }
}
