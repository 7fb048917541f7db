package org.qcal.jobs.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The input paths an output folder must stay clear of: a run's own, plus the caller's. */
public final class OutputInputs {
  private OutputInputs() {}

  public static List<String> of(List<String> own, List<String> more) {
    List<String> all = new ArrayList<>(own);
    more.stream().filter(Objects::nonNull).forEach(all::add);
    return all;
  }
}
