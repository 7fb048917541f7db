package org.qcal.jobs.cli;

/** The process exit codes of qcal's commands (docs/DESIGN.md, "Exit codes"). */
public final class ExitCode {
  /** The run is done and its outputs are in place. */
  public static final int OK = 0;
  /** Anything not covered below: a bug, a lost cluster, an I/O failure. */
  public static final int FAILURE = 1;
  /** Bad usage or bad input: one clear line names what and where; nothing is written. */
  public static final int BAD_INPUT = 2;
  /** The accuracy gate failed: outputs are written and marked failed. */
  public static final int GATE_FAILED = 3;

  private ExitCode() {}
}
