package org.qcal.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.qcal.QcalException;
import org.qcal.jobs.api.Defaults;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Option defaults in three layers: the bundled {@code qcal.conf} (a copy of {@code conf/qcal.conf}),
 * then an optional {@code --config FILE}, then the command line (which picocli applies last).
 * Keys are long option names without the leading dashes; an unknown key is refused, so that a
 * typo in a scheduled job's config fails loudly instead of being ignored.
 */
public final class QcalConfig implements CommandLine.IDefaultValueProvider {
  private final Map<String, String> values;
  private final Set<String> fromFile;

  private QcalConfig(Map<String, String> values, Set<String> fromFile) {
    this.values = values;
    this.fromFile = fromFile;
  }

  /** The bundled defaults overlaid with {@code configFile} (may be null). */
  public static QcalConfig load(Path configFile) {
    Map<String, String> merged = new LinkedHashMap<>(Defaults.values());
    Set<String> fromFile = new TreeSet<>();
    if (configFile != null) {
      Map<String, String> file = readFile(configFile);
      merged.putAll(file);
      fromFile.addAll(file.keySet());
    }
    return new QcalConfig(merged, fromFile);
  }

  /** Checks every key against the long option names of {@code commands}. */
  public void checkKeys(Collection<CommandLine> commands, String where) {
    Set<String> known = new TreeSet<>();
    for (CommandLine command : commands) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        known.add(stripDashes(option.longestName()));
      }
    }
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        String near = closest(key, known);
        throw new QcalException("unknown config key '" + key + "' in " + where
            + (near == null ? "" : " (did you mean '" + near + "'?)")
            + "; keys are the long option names that 'qcal <command> --help' lists");
      }
    }
  }

  /** Whether the value of {@code key} comes from the {@code --config} file. */
  public boolean isFromFile(String key) {
    return fromFile.contains(key);
  }

  /** The known key nearest to {@code key} by edit distance, if within a third of its length. */
  public static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Math.max(1, key.length() / 3) + 1;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The configured value of a key, or null. */
  public String get(String key) {
    return values.get(key);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option) {
      return values.get(stripDashes(option.longestName()));
    }
    return null;
  }

  private static String stripDashes(String name) {
    return name.replaceFirst("^-+", "");
  }

  private static Map<String, String> readFile(Path file) {
    try {
      return Defaults.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new QcalException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new QcalException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

}
