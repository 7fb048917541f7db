package org.qcal.metrics;

import org.qcal.Check;

/**
 * Top-k over one row of class scores, {@code scores[off, off + classes)}, in one fixed total
 * order so that every caller agrees on the prediction:
 *
 * <ul>
 *   <li>a higher score ranks first;
 *   <li><b>equal scores rank by index, the lower index first</b> ({@code -0.0} equals {@code
 *       0.0}), so a row of identical scores predicts class 0;
 *   <li>NaN ranks after every number, -Infinity included; NaNs tie among themselves (by index).
 * </ul>
 *
 * <p>Ranks are counted, not sorted: {@link #rank} is one pass over the row, so "is the label in
 * the top 5" costs {@code O(classes)} with no allocation. Class {@code c} is in the top k exactly
 * when {@code rank(c) < k}.
 */
public final class TopK {
  private TopK() {}

  /** The predicted class (rank 0) of one row. */
  public static int argmax(float[] scores, int off, int classes) {
    checkRow(scores, off, classes);
    int best = 0;
    float bestScore = scores[off];
    for (int j = 1; j < classes; j++) {
      float s = scores[off + j];
      if (ranksAbove(s, bestScore)) {
        best = j;
        bestScore = s;
      }
    }
    return best;
  }

  /**
   * The predicted class of each of {@code rows} consecutive rows of {@code classes} scores
   * starting at {@code off}, into {@code out[0, rows)}.
   */
  public static int[] argmaxRows(float[] scores, int off, int rows, int classes, int[] out) {
    Check.atLeast(rows, 0, "rows");
    Check.atLeast(classes, 1, "classes");
    Check.slice(scores, off, Math.multiplyExact(rows, classes), "scores");
    Check.that(out != null && out.length >= rows, "predictions length", ">= " + rows,
        out == null ? null : out.length);
    for (int r = 0; r < rows; r++) {
      out[r] = argmax(scores, off + r * classes, classes);
    }
    return out;
  }

  /**
   * How many classes rank before class {@code c} in its row: 0 for the prediction. Class {@code
   * c} is among the top k predictions exactly when the result is below k.
   */
  public static int rank(float[] scores, int off, int classes, int c) {
    checkRow(scores, off, classes);
    Check.that(c >= 0 && c < classes, "class", "in [0, " + classes + ")", c);
    float score = scores[off + c];
    int before = 0;
    for (int j = 0; j < classes; j++) {
      float s = scores[off + j];
      if (ranksAbove(s, score) || (j < c && !ranksAbove(score, s))) {
        before++;
      }
    }
    return before;
  }

  /** True when score {@code a} ranks strictly above score {@code b} (ignoring indices). */
  static boolean ranksAbove(float a, float b) {
    if (Float.isNaN(a)) {
      return false;
    }
    return Float.isNaN(b) || a > b;
  }

  private static void checkRow(float[] scores, int off, int classes) {
    Check.atLeast(classes, 1, "classes");
    Check.slice(scores, off, classes, "scores");
  }
}
