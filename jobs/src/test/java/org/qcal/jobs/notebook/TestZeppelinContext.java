package org.qcal.jobs.notebook;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code z} of the notebook test: the part of Zeppelin's {@code ZeppelinContext} the note
 * uses, with Zeppelin's output formats. {@code show} writes a DataFrame as Zeppelin's Spark
 * interpreter does ({@code SparkUtils.showDataFrame}: {@code %table}, tab-separated header and
 * rows, tabs and line breaks in values replaced by blanks, at most {@code maxResult} rows, then
 * {@code "\n%text "}); {@code put} and {@code get} keep objects by name as Zeppelin's resource
 * pool does ({@code get} of an unknown name is null). Public: the REPL binds it by its type.
 */
public final class TestZeppelinContext {
  /** Zeppelin's default {@code zeppelin.spark.maxResult}. */
  public static final int MAX_RESULT = 1000;

  private final Map<String, Object> resources = new ConcurrentHashMap<>();

  public void show(Object o) {
    show(o, MAX_RESULT);
  }

  public void show(Object o, int maxResult) {
    scala.Console.out().print(o instanceof Dataset<?> d ? table(d.toDF(), maxResult)
        : "ZeppelinContext doesn't support to show type: " + o.getClass().getCanonicalName()
            + "\n" + o);
  }

  public void put(String name, Object value) {
    resources.put(name, value);
  }

  public Object get(String name) {
    return resources.get(name);
  }

  static String table(Dataset<Row> df, int maxResult) {
    String[] columns = df.columns();
    if (columns.length == 0) {
      return "";
    }
    List<Row> rows = df.takeAsList(maxResult + 1);
    StringBuilder msg = new StringBuilder("%table ");
    for (int i = 0; i < columns.length; i++) {
      msg.append(i == 0 ? "" : "\t").append(cell(columns[i]));
    }
    msg.append('\n');
    boolean truncated = rows.size() > maxResult;
    for (Row row : truncated ? rows.subList(0, maxResult) : rows) {
      for (int i = 0; i < row.size(); i++) {
        msg.append(i == 0 ? "" : "\t").append(cell(row.get(i)));
      }
      msg.append('\n');
    }
    if (truncated) {
      msg.append("\n%html <font color=red>Output is truncated</font> to ").append(maxResult)
          .append(" rows. Learn more about <code>zeppelin.spark.maxResult</code>");
    }
    return msg.append("\n%text ").toString();
  }

  private static String cell(Object value) {
    return (value == null ? "null" : value.toString()).replace("\t", " ").replace("\r\n", " ")
        .replace("\n", " ");
  }
}
