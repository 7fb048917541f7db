package org.qcal.jobs.cli;

import java.util.List;
import org.qcal.jobs.api.RunBuilder;
import picocli.CommandLine.Option;

/** Where a command writes, and its config file; shared by calibrate, validate and tune. */
public final class OutputOptions {

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The output folder; written atomically.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing output folder.")
  boolean overwrite;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A qcal.conf-style file of option defaults; the command line wins.")
  String config;

  @Option(names = "--verbose",
      description = "On an internal error, print the stack trace to stderr as well.")
  boolean verbose;

  /** Sets the output folder on {@code b}. */
  <B extends RunBuilder<B>> B applyTo(B b) {
    return b.output(out).overwrite(overwrite);
  }

  /** Files the command line itself reads (the config file), which --out must stay clear of. */
  List<String> commandLineInputs() {
    return config == null ? List.of() : List.of(config);
  }
}
