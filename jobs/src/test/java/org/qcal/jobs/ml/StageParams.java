package org.qcal.jobs.ml;

import java.util.Arrays;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** A stage's params as text, for comparing a saved stage with the one loaded back. */
public final class StageParams {
  private StageParams() {}

  /** Every defined param but {@code except}, one {@code name=value} a line, arrays by content. */
  public static String text(Params stage, String... except) {
    StringBuilder sb = new StringBuilder();
    for (Param<?> param : stage.params()) {
      if (!Arrays.asList(except).contains(param.name()) && stage.isDefined(param)) {
        Object v = stage.getOrDefault(param);
        sb.append(param.name()).append('=').append(v instanceof String[] a ? Arrays.toString(a)
            : String.valueOf(v)).append('\n');
      }
    }
    return sb.toString();
  }
}
