package org.qcal.jobs.data;

/** The element type of a model input tensor, as qcal feeds it. */
public enum ElementType {
  /** float32: filled from any numeric tensor column (doubles are narrowed, integers widened). */
  FLOAT,
  /** int64: filled only from integer columns (array&lt;int&gt; or array&lt;long&gt;), never rounded. */
  INT64
}
