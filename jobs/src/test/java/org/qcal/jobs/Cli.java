package org.qcal.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.qcal.jobs.cli.Main;

/** Runs the command line in this JVM and keeps what it printed. */
record Cli(int code, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
