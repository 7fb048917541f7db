package org.qcal.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, to render the HTML report as a person's browser would. CI
 * installs it ({@code .ci/run}); elsewhere a missing browser skips the test, except under CI.
 */
final class HeadlessChromium {
  private static final Path BINARY = Path.of("/usr/bin/chromium");

  private HeadlessChromium() {}

  static void assumeInstalled() {
    boolean present = Files.isExecutable(BINARY);
    if (!present && System.getenv("CI") != null) {
      throw new AssertionError("CI must install Debian's chromium (see .ci/run)");
    }
    Assumptions.assumeTrue(present, "chromium is not installed");
  }

  /** The DOM after the page loaded and rendered (Chromium's --dump-dom). */
  static String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
    return run(page, profile, "--dump-dom");
  }

  /** A PNG screenshot of the page. */
  static void screenshot(Path page, Path profile, Path png) throws IOException,
      InterruptedException {
    run(page, profile, "--screenshot=" + png, "--window-size=1000,1400");
  }

  private static String run(Path page, Path profile, String... action)
      throws IOException, InterruptedException {
    // The flags this machine needs: no sandbox as root, and no background network calls.
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile));
    command.addAll(List.of(action));
    command.add(page.toUri().toString());
    Path stdout = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Process process = new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s");
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }
}
