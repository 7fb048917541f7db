package org.qcal.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/qcal} as a user runs it: a process of its own in a working folder, stdout
 * discarded, its log folder ({@code QCAL_LOG_DIR}) one of the test's. Needs the packaged jar,
 * so the tests that use it carry the {@code cluster} tag.
 */
final class BinQcal {
  private static final Path SCRIPT = Path.of("../bin/qcal").toAbsolutePath().normalize();

  private BinQcal() {}

  static ProcessBuilder process(Path workDir, Path logDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("QCAL_LOG_DIR", logDir.toString());
    return pb;
  }
}
