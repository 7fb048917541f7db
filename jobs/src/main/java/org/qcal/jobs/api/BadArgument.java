package org.qcal.jobs.api;

import org.qcal.QcalException;

/**
 * A setting of the API out of its domain: bad input (exit code 2 on the command line). The
 * message names the setting as the builders call it ({@code batchSize}); the command line
 * names it by its flag instead ({@code --batch-size}), through {@link #argument()}.
 */
public final class BadArgument extends QcalException {
  private static final long serialVersionUID = 1L;

  private final String argument;
  private final String problem;

  public BadArgument(String argument, String problem) {
    super(argument + " " + problem);
    this.argument = argument;
    this.problem = problem;
  }

  /** {@code value} when it is at least {@code min}, else a BadArgument naming {@code argument}. */
  public static int atLeast(String argument, int value, int min) {
    if (value < min) {
      throw new BadArgument(argument, "must be >= " + min + ", got " + value);
    }
    return value;
  }

  /** The setting, as the API names it. */
  public String argument() {
    return argument;
  }

  /** What is wrong with it, without its name. */
  public String problem() {
    return problem;
  }
}
