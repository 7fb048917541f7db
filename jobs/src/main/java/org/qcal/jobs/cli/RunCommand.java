package org.qcal.jobs.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * What calibrate, validate and tune share on the command line: the model and how data binds to
 * it, the output folder and config file, and the command's spec (for its writers).
 */
abstract class RunCommand implements Callable<Integer> {
  @CommandLine.Mixin
  InputOptions input = new InputOptions();

  @CommandLine.Mixin
  OutputOptions output = new OutputOptions();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;
}
