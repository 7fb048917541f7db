/**
 * Validation metrics as additive, mergeable accumulators in documented byte layouts: {@link
 * org.qcal.metrics.ClassificationCounts} (top-1, top-5, agreement: long counts) and {@link
 * org.qcal.metrics.ErrorSums} (SQNR, cosine: exact sums), with {@link org.qcal.metrics.TopK}'s
 * one order for predictions. A Spark task fills one set per partition and a tree reduction
 * merges them; since every merge is exact, the metrics are the same whatever the partitioning.
 * Rates and ratios are derived only at the end, from the merged totals.
 */
package org.qcal.metrics;

