package org.qcal.jobs.calibrate;

import java.util.ArrayList;
import java.util.List;

/**
 * How the tapped tensors of one batch stay within a task's memory budget: the tensors in plan
 * order, cut greedily into groups whose outputs for a whole batch fit the budget (each group is
 * one forward of the same batch through a tap model exposing only that group), and the batch
 * shrunk when a single tensor alone does not fit. Pure arithmetic on bytes per row, so the
 * driver decides once and every task does the same.
 *
 * <p>Grouping changes no statistic: each tensor still sees every row of every batch, with the
 * same values (the same graph computes them; only which outputs are exposed differs).
 *
 * @param batchSize the rows per forward to use (at most the requested ones)
 * @param groups tensor indices per group, in plan order
 */
public record TapGroups(int batchSize, List<int[]> groups) {

  /**
   * @param rowBytes each tapped tensor's output bytes per row fed
   * @param batchSize the requested rows per forward
   * @param budget bytes a task may hold in tapped outputs of one forward
   */
  public static TapGroups plan(long[] rowBytes, int batchSize, long budget) {
    long widest = 1;
    for (long b : rowBytes) {
      widest = Math.max(widest, b);
    }
    int batch = (int) Math.max(1, Math.min(batchSize, budget / widest));
    List<int[]> groups = new ArrayList<>();
    List<Integer> group = new ArrayList<>();
    long bytes = 0;
    for (int t = 0; t < rowBytes.length; t++) {
      long tensor = rowBytes[t] * batch;
      if (!group.isEmpty() && bytes + tensor > budget) {
        groups.add(toArray(group));
        group.clear();
        bytes = 0;
      }
      group.add(t);
      bytes += tensor;
    }
    if (!group.isEmpty()) {
      groups.add(toArray(group));
    }
    return new TapGroups(batch, groups);
  }

  /** One group of every tensor, the requested batch: what runs when no probe was possible. */
  static TapGroups single(int tensors, int batchSize) {
    int[] all = new int[tensors];
    for (int t = 0; t < tensors; t++) {
      all[t] = t;
    }
    return new TapGroups(batchSize, List.of(all));
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
