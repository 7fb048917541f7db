package org.qcal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.qcal.jobs.cli.Main;
import org.qcal.onnx.CorpusFolder;

/**
 * The generated model corpora of tools/corpus in {@code target/} of the repository root, made on
 * first use when Debian's python3-torch is installed, and qcal commands run on their models.
 */
final class CorpusRuns {

  /** The exit code of a command and what it printed on stderr. */
  record Outcome(int exit, String err) {}

  private CorpusRuns() {}

  /** The manifest of the opset corpus, made first when missing ({@link CorpusFolder}). */
  static JsonNode opsetManifest() throws IOException {
    return new ObjectMapper().readTree(CorpusFolder.ensureOpsets().resolve("manifest.json")
        .toFile());
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
