package org.qcal.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The model corpus's folder, {@code target/corpus} of the repository root, for the corpus tests
 * of every module (the jobs module reads it through quant-core's test jar): made on first use
 * by tools/corpus/ensure_corpus.sh, the one place that generates it.
 */
public final class CorpusFolder {
  /** The repository root, from a module's folder (Maven's working folder). */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  public static final Path DIR = ROOT.resolve("target/corpus");
  /** The opset corpus of tools/corpus/opset_models.py: small models at opsets 7-12, 17-21. */
  public static final Path OPSET_DIR = ROOT.resolve("target/opset-corpus");
  /** ensure_corpus.sh's exit code when python3-torch or Fashion-MNIST is missing. */
  private static final int CANNOT_MAKE = 69;

  private CorpusFolder() {}

  /**
   * {@link #DIR}, with its manifest.json: runs tools/corpus/ensure_corpus.sh (one generation at
   * a time across JVMs, a no-op when the manifest is there). When the corpus cannot be made here
   * the calling test is skipped, or fails under CI ({@code CI} set); when the generation fails,
   * the test fails with the script's last lines.
   */
  public static Path ensure() {
    return ensure(DIR, "make_corpus.py");
  }

  /** {@link #OPSET_DIR} with its manifest.json, as {@link #ensure()}. */
  public static Path ensureOpsets() {
    return ensure(OPSET_DIR, "opset_models.py");
  }

  private static Path ensure(Path dir, String script) {
    try {
      Path log = Files.createTempFile("qcal-corpus", ".log");
      Process p = new ProcessBuilder("bash", ROOT.resolve("tools/corpus/ensure_corpus.sh")
          .toString(), dir.toString(), script).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("ensure_corpus.sh did not finish in 30 min; see " + log);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      if (p.exitValue() == CANNOT_MAKE && System.getenv("CI") == null) {
        Assumptions.abort("no corpus and it cannot be made here: " + output.strip());
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("tools/corpus/ensure_corpus.sh exited " + p.exitValue()
            + (p.exitValue() == CANNOT_MAKE ? " under CI (.ci/run installs what it needs)" : "")
            + "; its last lines:\n" + output.substring(Math.max(0, output.length() - 4000)));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
