package org.qcal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The generated model corpora of tools/corpus in {@code target/} of the repository root, made on
 * first use when Debian's python3-torch is installed, and qcal commands run on their models.
 */
final class CorpusRuns {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The exit code of a command and what it printed on stderr. */
  record Outcome(int exit, String err) {}

  private CorpusRuns() {}

  /**
   * The manifest of the corpus in {@code target/DIR}, made by {@code tools/corpus/SCRIPT} when it
   * is missing; skips the calling test where it cannot be made.
   */
  static JsonNode manifest(String script, String dir) throws IOException, InterruptedException {
    Path corpus = ROOT.resolve("target").resolve(dir);
    Path file = corpus.resolve("manifest.json");
    if (!Files.isRegularFile(file) && Files.isExecutable(Path.of("/usr/bin/python3"))) {
      new ProcessBuilder("/usr/bin/python3", "tools/corpus/" + script, corpus.toString())
          .directory(ROOT.toFile()).inheritIO().start().waitFor();
    }
    Assumptions.assumeTrue(Files.isRegularFile(file), "no corpus in " + corpus
        + " and no python3-torch to make it");
    return new ObjectMapper().readTree(file.toFile());
  }

  /** {@code qcal ARGS} through {@link Main#run}. */
  static Outcome run(List<String> args) {
    StringWriter err = new StringWriter();
    int exit;
    try (PrintWriter o = new PrintWriter(new StringWriter(), true);
        PrintWriter e = new PrintWriter(err, true)) {
      exit = Main.run(o, e, args.toArray(String[]::new));
    }
    return new Outcome(exit, err.toString());
  }
}
