package org.qcal.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qcal.QcalException;
import org.qcal.jobs.spark.SparkSessions;
import org.qcal.jobs.spark.SparkVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The command line: {@code qcal <command> ...}, as run by {@code spark-submit --class
 * org.qcal.jobs.cli.Main}, by {@code bin/qcal} embedded, or by Airflow. The exit code is the whole
 * contract with a scheduler (see {@link ExitCode}); a failure is exactly one {@code qcal:} line
 * on stderr, the last thing the process prints (docs/DESIGN.md, "Exit codes").
 */
@Command(
    name = "qcal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Distributed post-training quantization calibration for ONNX models on Spark.",
    subcommands = {CalibrateCommand.class, ValidateCommand.class, TuneCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 done, 1 failure, 2 bad usage or input, 3 accuracy gate failed."})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** How a run ended: its exit code, and the one line to print on stderr, if any. */
  record Outcome(int code, String line) {}

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    Outcome outcome = execute(new PrintWriter(System.out, true), err, args);
    // Stop Spark before the line, so that nothing Spark prints while stopping comes after it.
    SparkSessions.stopOwned();
    if (outcome.line() != null) {
      err.println(outcome.line());
      err.flush();
    }
    System.exit(outcome.code());
  }

  /** Runs one command and returns its exit code instead of exiting (for tests and notebooks). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)} with explicit output streams. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Outcome outcome = execute(out, err, args);
    if (outcome.line() != null) {
      err.println(outcome.line());
      err.flush();
    }
    return outcome.code();
  }

  private static Outcome execute(PrintWriter out, PrintWriter err, String[] args) {
    QcalConfig config;
    CommandLine commandLine;
    Path configFile;
    try {
      configFile = configFileArgument(args);
      config = QcalConfig.load(configFile);
      commandLine = new CommandLine(new Main()).setDefaultValueProvider(config);
      List<CommandLine> commands = new ArrayList<>(commandLine.getSubcommands().values());
      // Name the file: a bad key can only come from it (the bundled keys are the options').
      config.checkKeys(commands, configFile == null ? "the bundled " + org.qcal.jobs.api.Defaults.BUNDLED
          : "config file " + configFile);
    } catch (QcalException e) {
      return new Outcome(ExitCode.BAD_INPUT, "qcal: " + FlagNames.message(e));
    }
    String[] failure = new String[1];
    commandLine.setOut(out).setErr(err);
    commandLine.setParameterExceptionHandler((ex, argv) -> {
      failure[0] = "qcal: " + parameterMessage(ex, config, configFile, argv)
          + " (see 'qcal " + ex.getCommandLine().getCommandName() + " --help')";
      return ExitCode.BAD_INPUT;
    });
    commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
      QcalException bad = Failures.badInput(ex);
      if (bad != null) {
        failure[0] = "qcal: " + FlagNames.message(bad);
        return ExitCode.BAD_INPUT;
      }
      failure[0] = "qcal: " + InternalErrors.report(ex, Arrays.asList(args).contains("--verbose")
          ? err : null);
      return ExitCode.FAILURE;
    });
    int code;
    try {
      code = commandLine.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands Errors through; the heap is free again once the job's objects are gone.
      return new Outcome(ExitCode.FAILURE, "qcal: " + InternalErrors.report(e,
          Arrays.asList(args).contains("--verbose") ? err : null));
    }
    return new Outcome(code, failure[0]);
  }

  /**
   * picocli's message, naming the config file and key when the bad value came from a file
   * rather than from the command line.
   */
  private static String parameterMessage(CommandLine.ParameterException ex, QcalConfig config,
      Path configFile, String[] argv) {
    String message = ex.getMessage();
    if (ex.getArgSpec() instanceof OptionSpec option) {
      String key = option.longestName().replaceFirst("^-+", "");
      boolean onCommandLine = Arrays.stream(argv).anyMatch(a -> Arrays.stream(option.names())
          .anyMatch(n -> a.equals(n) || a.startsWith(n + "=")));
      if (!onCommandLine && config.get(key) != null) {
        String file = configFile != null && config.isFromFile(key) ? "config file " + configFile
            : "the bundled " + org.qcal.jobs.api.Defaults.BUNDLED;
        return file + ", key '" + key + "': " + message;
      }
    }
    return message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Finds {@code --config FILE} (or {@code --config=FILE}) before picocli parses anything. */
  static Path configFileArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    return null;
  }

  /** The version of the jar, from its manifest when packaged. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      List<String> lines = new ArrayList<>();
      lines.add("qcal " + (version == null ? "(development build)" : version));
      lines.addAll(Arrays.asList(SparkVariant.describe()));
      return lines.toArray(String[]::new);
    }
  }
}
