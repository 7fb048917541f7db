package org.qcal.jobs.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.qcal.QcalException;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * The distributed passes of docs/DESIGN.md: one pass of statistics and one-pass histograms, or
 * the two passes of the fixed grid (statistics, then histograms on the grid they fix). Each partition returns one {@link PassPartial}; a tree
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

  /**
   * The one pass of every method: per tapped tensor, pass 1's statistics and a histogram whose
   * power-of-two grid grows with the values seen ({@link OnePassHistogram}), with {@code 2 bins}
   * bins per side so that at least {@code bins} cover the absmax side at the end.
   */
  public static PassPartial statsAndHistograms(JavaRDD<Row> rows, TapPass pass, int bins) {
    int tensors = pass.tensorCount();
    TapPass.TensorSink sink = CalibrationPasses::addStatsAndHistogram;
    return rows
        .mapPartitions(it -> List.of(pass.run(it,
            PassPartial.ofStatsAndHistograms(tensors, 2 * bins), sink)).iterator())
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

  /**
   * SmoothQuant's pass: per tapped tensor, the max |x| of each channel of its last axis, of
   * {@code channels[t]} channels (docs/DESIGN.md, "SmoothQuant").
   */
  public static PassPartial channelMax(JavaRDD<Row> rows, TapPass pass, int[] channels) {
    TapPass.TensorSink sink = CalibrationPasses::addChannelMax;
    return rows
        .mapPartitions(it -> List.of(pass.run(it, PassPartial.ofChannelMax(channels), sink))
            .iterator())
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

  /** The running range of the statistics bounds this batch: the histogram widens to it first. */
  private static void addStatsAndHistogram(PassPartial p, int tensor, float[] values,
      long[] shape, int length, int rows) {
    TensorStats stats = p.stats[tensor].updateBatch(values, 0, shape, rows);
    if (!stats.hasNoFinite()) {
      p.onePass[tensor].update(values, 0, length, stats.min(), stats.max());
    }
  }

  /** The rows of a [..., C] tensor are its rows of C values, wherever the batch is. */
  private static void addChannelMax(PassPartial p, int tensor, float[] values, long[] shape,
      int length, int rows) {
    if (shape.length == 0 || shape[shape.length - 1] != p.channelMax[tensor].channels()) {
      throw new QcalException("tensor " + tensor + " of SmoothQuant's pass has shape "
          + java.util.Arrays.toString(shape) + ", expected " + p.channelMax[tensor].channels()
          + " channels in its last axis");
    }
    p.channelMax[tensor].update(values, 0, length);
  }

  /** A histogram counts values, so the tensor's layout does not matter. */
  private static void addHistogram(PassPartial p, int tensor, float[] values, long[] shape,
      int length, int rows) {
    p.histograms[tensor].update(values, 0, length);
  }
}
