package org.qcal.jobs;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.cli.Main;
import org.qcal.runtime.OrtShutdown;

/**
 * The child JVM of {@link NativeCrashStressTest}: runs calibrate on bad data {@code loops} times
 * (a bad row in one partition while the other is inside ONNX Runtime), prints how many ended with
 * exit code 2 and one line, then starts a calibration of good data and exits with code 3 while
 * one of its tasks is inside ONNX Runtime.
 *
 * <p>Arguments: model, bad data, good data, output folder, loops.
 */
final class CrashLoopMain {
  static final int EXIT_DURING_FORWARD = 3;

  private CrashLoopMain() {}

  public static void main(String[] args) throws Exception {
    String model = args[0];
    String out = args[3];
    int loops = Integer.parseInt(args[4]);
    JobsTestSpark.start("CrashLoopMain", 1);
    int good = 0;
    for (int i = 0; i < loops; i++) {
      StringWriter err = new StringWriter();
      int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
          "calibrate", "--model", model, "--data", args[1], "--out", out + "/bad-" + i);
      long lines = err.toString().lines().filter(l -> l.startsWith("qcal:")).count();
      if (code == ExitCode.BAD_INPUT && lines == 1) {
        good++;
      } else {
        System.out.println("run " + i + ": exit " + code + ", " + lines + " lines:\n" + err);
      }
    }
    System.out.println("bad-input runs ending with exit 2 and one line: " + good + " of " + loops);
    Thread job = new Thread(() -> Main.run(new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), "calibrate", "--model", model,
        "--data", args[2], "--out", out + "/good"), "calibrate-good");
    job.setDaemon(true);
    job.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (OrtShutdown.callsInFlight() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    System.out.println("exiting with " + OrtShutdown.callsInFlight() + " ONNX Runtime call(s) in"
        + " flight");
    System.out.flush();
    System.exit(EXIT_DURING_FORWARD);
  }
}
