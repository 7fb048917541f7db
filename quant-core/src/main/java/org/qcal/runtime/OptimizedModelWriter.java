package org.qcal.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.qcal.Check;
import org.qcal.QcalException;

/**
 * Returns the graph ONNX Runtime actually executes after its optimizations, as ONNX bytes. For
 * checks, not for inference: e.g. that a QDQ export runs with int8 kernels (QLinearConv, QGemm,
 * QLinearMatMul, MatMulInteger) rather than dequantize-float-requantize.
 *
 * <p>Uses the ORT Java API directly: DJL has no way to set {@code optimized_model_filepath}.
 * ORT can only write the optimized model to a file, so a temporary directory is used and deleted.
 * Creates a throwaway session each call (not cached: this is a one-off check, and the session
 * cache must only hold sessions configured for inference).
 *
 * <p>With {@link GraphOptLevel#ALL} the result may hold layout-specific contrib ops for this
 * machine's CPU (NCHWc); {@link GraphOptLevel#EXTENDED} already performs the QDQ fusions.
 */
public final class OptimizedModelWriter {
  private OptimizedModelWriter() {}

  /** The optimized graph of {@code source} at {@code level}, serialized by ORT. */
  public static byte[] optimize(ModelSource source, GraphOptLevel level) {
    Check.notNull(source, "model");
    Check.notNull(level, "graph optimization level");
    if (source.bytes().length == 0) {
      throw new QcalException("cannot optimize " + source + ": the model is empty (0 bytes)");
    }
    var env = OrtEnv.get();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("qcal-ort-opt-");
      Path out = dir.resolve("optimized.onnx");
      try (SessionOptions options = new SessionOptions()) {
        options.setOptimizationLevel(level.toOrt());
        options.setOptimizedModelFilePath(out.toString());
        options.setIntraOpNumThreads(1);
        // Creating the session optimizes the graph and writes it out; nothing to run.
        OrtSession session = env.createSession(source.bytes(), options);
        session.close();
      }
      if (!Files.isRegularFile(out)) {
        throw new QcalException("ONNX Runtime wrote no optimized model for " + source);
      }
      return Files.readAllBytes(out);
    } catch (OrtException e) {
      throw new QcalException("cannot optimize " + source + ": ONNX Runtime says: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new QcalException("cannot write the optimized graph of " + source + " to a "
          + "temporary directory: " + e, e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // A leftover temp file is harmless; the result (or the real error) matters more.
    }
  }
}
