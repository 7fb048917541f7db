package org.qcal.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * Runs a command's work with or without an output folder. With one, the folder is reserved
 * before any work (a bad or unsafe {@code out} fails first), written by the work and committed
 * by it; on any failure nothing is left (see {@link AtomicOutputDir}). Without one (a notebook
 * that wants the result object), the work gets null and writes nothing.
 */
public final class OutputRun {
  private OutputRun() {}

  /** The work of a run: computes its result and, given a folder, writes it there. */
  @FunctionalInterface
  public interface Work<R> {
    R run(AtomicOutputDir out) throws IOException;
  }

  /**
   * @param out the output folder, or null for none
   * @param command the command, recorded in the folder's marker
   * @param inputs the run's input paths, which the folder must stay clear of
   * @param moreInputs more such paths (the command line's config file), nulls skipped
   */
  public static <R> R run(String out, boolean overwrite, String command, List<String> inputs,
      List<String> moreInputs, Configuration conf, Work<R> work) {
    try {
      if (out == null) {
        return work.run(null);
      }
      List<String> all = new ArrayList<>(inputs);
      moreInputs.stream().filter(Objects::nonNull).forEach(all::add);
      try (AtomicOutputDir dir = AtomicOutputDir.reserve(out, overwrite, command, all, conf)) {
        return work.run(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the outputs to " + out + ": "
          + OutputLocation.firstLine(e.getMessage()), e);
    }
  }
}
