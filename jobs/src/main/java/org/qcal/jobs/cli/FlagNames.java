package org.qcal.jobs.cli;

import java.util.Map;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;

/**
 * The command line's words for the API's: a {@link BadArgument} names a builder setting ({@code
 * batchSize}), which the command line reports as the flag a user typed ({@code --batch-size}).
 */
final class FlagNames {
  /** Settings whose flag is not simply their name in kebab case. */
  private static final Map<String, String> RENAMED = Map.of(
      "minSqnrDb", "--min-sqnr",
      "imagePreprocessing", "--image",
      "floatNodes", "--exclude-nodes",
      "floatOpTypes", "--exclude-op-types",
      "data", "--data",
      "symmetricActivations", "--symmetric-activations",
      "candidates", "--quantized or --calibration");

  private FlagNames() {}

  /** The message of {@code bad} in the command line's terms. */
  static String message(QcalException bad) {
    if (bad instanceof BadArgument arg) {
      return flag(arg.argument()) + " " + arg.problem();
    }
    return bad.getMessage();
  }

  /** {@code batchSize} -> {@code --batch-size}. */
  static String flag(String setting) {
    String renamed = RENAMED.get(setting);
    return renamed != null ? renamed
        : "--" + setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
