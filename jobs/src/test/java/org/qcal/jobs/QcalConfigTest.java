package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qcal.jobs.cli.QcalConfig;

class QcalConfigTest {
  private static final Set<String> KEYS = Set.of("batch-size", "bins", "methods", "max-drop");

  @Test
  void aTypoIsMatchedToTheNearestKey() {
    assertEquals("batch-size", QcalConfig.closest("batchsize", KEYS)); // one deletion
    assertEquals("methods", QcalConfig.closest("method", KEYS));
    assertEquals("max-drop", QcalConfig.closest("max_drop", KEYS)); // one substitution
  }

  @Test
  void aKeyFarFromEveryKnownOneHasNoSuggestion() {
    assertNull(QcalConfig.closest("learning-rate", KEYS));
  }
}
