package org.qcal.jobs.spark;

import java.io.Serializable;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;

/**
 * Makes chosen tasks fail on their first attempt, to prove that retried tasks count once
 * (docs/DESIGN.md: only task results, never accumulators). Off unless the Spark configuration sets
 * {@value #FAIL_FIRST_ATTEMPT_OF_PARTITION} to a partition index; used by tests, and by anyone
 * who wants to check a cluster's retry behaviour.
 */
public final class FaultInjection implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String FAIL_FIRST_ATTEMPT_OF_PARTITION = "spark.qcal.test.failFirstAttemptOfPartition";

  /** No failure: for passes that are not tested for retries. */
  static final FaultInjection NONE = new FaultInjection(-1);

  private final int partition;

  private FaultInjection(int partition) {
    this.partition = partition;
  }

  public static FaultInjection from(SparkConf conf) {
    return new FaultInjection(conf.getInt(FAIL_FIRST_ATTEMPT_OF_PARTITION, -1));
  }

  void maybeFail() {
    TaskContext task = TaskContext.get();
    if (partition >= 0 && task != null && task.partitionId() == partition
        && task.attemptNumber() == 0) {
      throw new IllegalStateException("injected failure of the first attempt of partition "
          + partition + " (" + FAIL_FIRST_ATTEMPT_OF_PARTITION + ")");
    }
  }
}
