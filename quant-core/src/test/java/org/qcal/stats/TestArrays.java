package org.qcal.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Random data and random splits for the split-then-merge tests of this package. */
final class TestArrays {
  private TestArrays() {}

  /** Values of widely varying magnitude with NaN, infinities, -0.0 and subnormals mixed in. */
  static float[] mixed(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(50);
      if (kind == 0) {
        a[i] = Float.NaN;
      } else if (kind == 1) {
        a[i] = r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
      } else if (kind == 2) {
        a[i] = -0.0f;
      } else if (kind == 3) {
        a[i] = Float.MIN_VALUE * r.nextInt(1000) * (r.nextBoolean() ? 1 : -1);
      } else {
        a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
      }
    }
    return a;
  }

  /** {@code k - 1} distinct sorted cut points in {@code [1, units)}, framed by 0 and units. */
  static int[] cuts(Random r, int units, int k) {
    List<Integer> all = new ArrayList<>();
    for (int i = 1; i < units; i++) {
      all.add(i);
    }
    Collections.shuffle(all, r);
    List<Integer> chosen = new ArrayList<>(all.subList(0, k - 1));
    chosen.add(0);
    chosen.add(units);
    Collections.sort(chosen);
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A random permutation of {@code 0..n-1}. */
  static List<Integer> order(Random r, int n) {
    List<Integer> o = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      o.add(i);
    }
    Collections.shuffle(o, r);
    return o;
  }
}
