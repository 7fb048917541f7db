package org.qcal.jobs.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;

/**
 * The two distributed passes of docs/DESIGN.md. Each partition returns one {@link PassPartial}; a tree
 * reduction (Spark's {@code treeAggregate} underneath) merges them on the way to the driver. Only
 * task results count, so a retried task is never counted twice.
 */
public final class CalibrationPasses {
  /** Levels of the tree reduction; 2 keeps the driver's merge load bounded at thousands of tasks. */
  private static final int TREE_DEPTH = 2;

  private CalibrationPasses() {}

  /** Pass 1: per tapped tensor, min/max, NaN/Inf counts and moments over all rows. */
  public static PassPartial stats(JavaRDD<Row> rows, TapPass pass) {
    int tensors = pass.tensorCount();
    TapPass.TensorSink sink = CalibrationPasses::addStats;
    return rows
        .mapPartitions(it -> List.of(pass.run(it, PassPartial.ofStats(tensors), sink)).iterator())
        .treeReduce(PassPartial::merge, TREE_DEPTH)
        .requireNoBadRow();
  }

  /** Pass 2: per tapped tensor, a histogram on the grid fixed by the global range of pass 1. */
  public static PassPartial histograms(JavaRDD<Row> rows, TapPass pass, HistogramGrid[] grids) {
    TapPass.TensorSink sink = CalibrationPasses::addHistogram;
    return rows
        .mapPartitions(it -> List.of(pass.run(it, emptyHistograms(grids), sink)).iterator())
        .treeReduce(PassPartial::merge, TREE_DEPTH)
        .requireNoBadRow();
  }

  private static PassPartial emptyHistograms(HistogramGrid[] grids) {
    Histogram[] histograms = new Histogram[grids.length];
    for (int i = 0; i < grids.length; i++) {
      histograms[i] = new Histogram(grids[i]);
    }
    return PassPartial.ofHistograms(histograms);
  }

  private static void addStats(PassPartial p, int tensor, float[] values, long[] shape,
      int length, int rows) {
    p.stats[tensor].updateBatch(values, 0, shape, rows);
  }

  /** A histogram counts values, so the tensor's layout does not matter. */
  private static void addHistogram(PassPartial p, int tensor, float[] values, long[] shape,
      int length, int rows) {
    p.histograms[tensor].update(values, 0, length);
  }
}
