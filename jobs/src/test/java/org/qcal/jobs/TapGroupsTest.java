package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.qcal.jobs.calibrate.TapGroups;

/** The arithmetic of splitting taps under a memory budget. */
class TapGroupsTest {
  @Test
  void everythingFitsInOneGroup() {
    TapGroups g = TapGroups.plan(new long[] {100, 200, 300}, 10, 6000);
    assertEquals(10, g.batchSize());
    assertEquals(1, g.groups().size());
    assertArrayEquals(new int[] {0, 1, 2}, g.groups().get(0));
  }

  @Test
  void tapsAreCutGreedilyInPlanOrder() {
    // Batch 10: 1000, 2000, 3000, 1000 bytes; budget 3000: {0,1}, {2}, {3}.
    TapGroups g = TapGroups.plan(new long[] {100, 200, 300, 100}, 10, 3000);
    assertEquals(10, g.batchSize());
    assertEquals(3, g.groups().size());
    assertArrayEquals(new int[] {0, 1}, g.groups().get(0));
    assertArrayEquals(new int[] {2}, g.groups().get(1));
    assertArrayEquals(new int[] {3}, g.groups().get(2));
  }

  @Test
  void batchShrinksWhenOneTensorAloneDoesNotFit() {
    // 500 bytes per row, budget 1200: at most 2 rows; then groups of 2 rows.
    TapGroups g = TapGroups.plan(new long[] {500, 100}, 64, 1200);
    assertEquals(2, g.batchSize());
    assertEquals(1, g.groups().size()); // 1000 + 200 = 1200 fits
  }

  @Test
  void batchNeverShrinksBelowOneRow() {
    assertEquals(1, TapGroups.plan(new long[] {5000}, 64, 100).batchSize());
  }
}
