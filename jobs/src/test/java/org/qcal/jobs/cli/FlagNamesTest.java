package org.qcal.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;

class FlagNamesTest {
  @Test
  void settingsBecomeTheFlagsTheirOptionsDeclare() {
    assertEquals("--batch-size", FlagNames.flag("batchSize"));
    assertEquals("--tap-memory-mb", FlagNames.flag("tapMemoryMb"));
    assertEquals("--choose-rows", FlagNames.flag("chooseRows"));
    assertEquals("--min-sqnr", FlagNames.flag("minSqnrDb"));
    assertEquals("--exclude-nodes", FlagNames.flag("floatNodes"));
    assertEquals("--percentile", FlagNames.flag("percentile"));
  }

  @Test
  void aBadArgumentIsReportedByItsFlagOtherMessagesAsTheyAre() {
    assertEquals("--batch-size must be >= 1, got 0",
        FlagNames.message(new BadArgument("batchSize", "must be >= 1, got 0")));
    assertEquals("data file x cannot be read",
        FlagNames.message(new QcalException("data file x cannot be read")));
  }

  @Test
  void everyMappedFlagIsAnOptionOfSomeCommand() {
    picocli.CommandLine main = new picocli.CommandLine(new Main());
    java.util.Set<String> flags = new java.util.TreeSet<>();
    main.getSubcommands().values().forEach(c -> c.getCommandSpec().options()
        .forEach(o -> flags.add(o.longestName())));
    for (String setting : java.util.List.of("batchSize", "tapMemoryMb", "chooseRows",
        "minSqnrDb", "maxDrop", "floatNodes", "floatOpTypes", "imagePreprocessing", "limit",
        "partitions", "methods", "bins", "percentile", "activationType", "weightType",
        "choose", "metric", "input", "inputShape", "maxFloatTensors", "symmetricActivations",
        "biasCorrection", "smoothQuant", "smoothQuantAlpha")) {
      assertEquals(true, flags.contains(FlagNames.flag(setting)), setting + " -> "
          + FlagNames.flag(setting) + " is not among " + flags);
    }
  }
}
