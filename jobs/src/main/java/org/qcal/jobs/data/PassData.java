package org.qcal.jobs.data;

import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;

/**
 * The validation set, ready for the pass: its rows (already limited and partitioned), the batch
 * plan that turns them into model inputs and carries the label column, and how to describe it.
 * Persist {@code rows} when validating several times over the same data (tune's steps).
 *
 * @param rows the rows
 * @param plan bindings, batch size and the label column (or none)
 * @param path the data path as given
 * @param format the format it was read as ("auto" when inferred)
 * @param inputColumns model input name -> data column
 */
public record PassData(JavaRDD<Row> rows, BatchPlan plan, String path, String format,
    Map<String, String> inputColumns) {

  public PassData {
    inputColumns = Map.copyOf(inputColumns);
  }

  /** These rows, keeping only those {@code keep} accepts (the plan is unchanged). */
  public PassData filtered(org.apache.spark.api.java.function.Function<Row, Boolean> keep) {
    return new PassData(rows.filter(keep), plan, path, format, inputColumns);
  }

  /** The label column, or null. */
  public String labelColumn() {
    return plan.hasLabels() ? plan.labelColumn() : null;
  }
}
