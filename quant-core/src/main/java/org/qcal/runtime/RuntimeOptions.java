package org.qcal.runtime;

import java.io.Serializable;
import org.qcal.Check;

/**
 * How a model's ORT session is configured. Part of the session cache key: the same model with
 * other options is another session.
 *
 * <p>Inter-op threads are always 1 and execution is sequential: qcal's graphs are chains of
 * operators, and parallelism comes from Spark running several tasks, each calling the shared
 * session from its own thread. Intra-op threads are the cores one task may use, i.e. the Spark
 * job passes {@code spark.task.cpus}; with 1 the kernels run on the calling thread and ORT starts
 * no pool threads at all.
 *
 * @param intraOpThreads threads one forward may use inside an operator, at least 1
 * @param optLevel graph optimizations applied when the session is created
 */
public record RuntimeOptions(int intraOpThreads, GraphOptLevel optLevel) implements Serializable {
  /** One thread per forward, extended graph optimizations. */
  public static final RuntimeOptions DEFAULTS = new RuntimeOptions(1, GraphOptLevel.EXTENDED);

  public RuntimeOptions {
    Check.atLeast(intraOpThreads, 1, "intra-op threads");
    Check.notNull(optLevel, "graph optimization level");
  }

  /** Defaults with {@code intraOpThreads} threads, e.g. {@code spark.task.cpus}. */
  public static RuntimeOptions withThreads(int intraOpThreads) {
    return new RuntimeOptions(intraOpThreads, DEFAULTS.optLevel());
  }

  public RuntimeOptions withOptLevel(GraphOptLevel level) {
    return new RuntimeOptions(intraOpThreads, level);
  }
}
