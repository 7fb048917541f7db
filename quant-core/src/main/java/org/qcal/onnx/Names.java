package org.qcal.onnx;

import java.util.Set;

/** New tensor and node names that do not collide with names a graph already uses. */
final class Names {
  private Names() {}

  /** {@code base}, or {@code base_1}, {@code base_2} ... whichever is free; marks it used. */
  static String unique(String base, Set<String> used) {
    String name = base;
    for (int k = 1; used.contains(name); k++) {
      name = base + "_" + k;
    }
    used.add(name);
    return name;
  }
}
