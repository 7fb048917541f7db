package org.qcal.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.qcal.QcalException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code qcal <command> ...}, as run by {@code spark-submit --class
 * org.qcal.jobs.Main}, by {@code bin/qcal} embedded, or by Airflow. The exit code is the whole
 * contract with a scheduler (see {@link ExitCode}).
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

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command and returns its exit code instead of exiting (for tests and notebooks). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)} with explicit output streams. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    QcalConfig config;
    CommandLine commandLine;
    try {
      Path configFile = configFileArgument(args);
      config = QcalConfig.load(configFile);
      commandLine = new CommandLine(new Main()).setDefaultValueProvider(config);
      List<CommandLine> commands = new ArrayList<>(commandLine.getSubcommands().values());
      // Name the file: a bad key can only come from it (the bundled keys are the options').
      config.checkKeys(commands, configFile == null ? "the bundled " + QcalConfig.BUNDLED
          : "config file " + configFile);
    } catch (QcalException e) {
      err.println("qcal: " + e.getMessage());
      return ExitCode.BAD_INPUT;
    }
    commandLine.setOut(out).setErr(err);
    commandLine.setParameterExceptionHandler((ex, argv) -> {
      ex.getCommandLine().getErr().println("qcal: " + ex.getMessage());
      ex.getCommandLine().getErr().println(
          "Try 'qcal " + ex.getCommandLine().getCommandName() + " --help'.");
      return ExitCode.BAD_INPUT;
    });
    commandLine.setExecutionExceptionHandler((ex, cl, parseResult) -> {
      QcalException bad = Failures.badInput(ex);
      if (bad != null) {
        cl.getErr().println("qcal: " + bad.getMessage());
        return ExitCode.BAD_INPUT;
      }
      cl.getErr().println("qcal: failed: " + Failures.describe(ex));
      ex.printStackTrace(cl.getErr());
      return ExitCode.FAILURE;
    });
    return commandLine.execute(args);
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
      return new String[] {"qcal " + (version == null ? "(development build)" : version)};
    }
  }
}
