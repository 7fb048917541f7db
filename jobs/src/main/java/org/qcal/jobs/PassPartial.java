package org.qcal.jobs;

import java.io.Serializable;
import org.qcal.stats.Histogram;
import org.qcal.stats.TensorStats;

/**
 * What one partition of a pass returns, and what the pass's tree reduction merges: the rows seen
 * and, per tapped tensor (in plan order), its statistics (pass 1) or its histogram (pass 2).
 * Every merge is exact, so the result does not depend on the partitioning or the merge order.
 */
public final class PassPartial implements Serializable {
  private static final long serialVersionUID = 1L;

  long rows;
  TensorStats[] stats;
  Histogram[] histograms;

  PassPartial() {}

  static PassPartial ofStats(int tensors) {
    PassPartial p = new PassPartial();
    p.stats = new TensorStats[tensors];
    for (int i = 0; i < tensors; i++) {
      p.stats[i] = new TensorStats();
    }
    return p;
  }

  static PassPartial ofHistograms(Histogram[] empty) {
    PassPartial p = new PassPartial();
    p.histograms = empty;
    return p;
  }

  /** Merges {@code other} into this one and returns this. */
  PassPartial merge(PassPartial other) {
    rows += other.rows;
    if (stats != null) {
      for (int i = 0; i < stats.length; i++) {
        stats[i].merge(other.stats[i]);
      }
    }
    if (histograms != null) {
      for (int i = 0; i < histograms.length; i++) {
        histograms[i].merge(other.histograms[i]);
      }
    }
    return this;
  }

  public long rows() {
    return rows;
  }

  public TensorStats[] stats() {
    return stats;
  }

  public Histogram[] histograms() {
    return histograms;
  }
}
