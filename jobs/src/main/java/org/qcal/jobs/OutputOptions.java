package org.qcal.jobs;

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
}
