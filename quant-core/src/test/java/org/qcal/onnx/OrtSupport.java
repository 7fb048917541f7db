package org.qcal.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.ModelOutputs;
import org.qcal.runtime.ModelRunner;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.OptimizedModelWriter;
import org.qcal.runtime.RuntimeOptions;

/** Runs models in ONNX Runtime through org.qcal.runtime, and reads the shipped test models. */
final class OrtSupport {
  private OrtSupport() {}

  /** One forward of {@code bytes} on one float input. */
  static ModelOutputs run(byte[] bytes, String input, float[] data, long... shape) {
    // A unique digest per call: these models are one-offs and must not share cached sessions.
    ModelSource source = ModelSource.of("test-" + UUID.randomUUID(), "t-" + UUID.randomUUID(),
        bytes);
    try (ModelRunner runner = ModelRunner.open(source, RuntimeOptions.DEFAULTS)) {
      return runner.setFloats(input, data, shape).run();
    }
  }

  /** Op types of ORT's optimized graph at the EXTENDED level (where QDQ fusions happen). */
  static List<String> optimizedOpTypes(byte[] bytes) {
    byte[] optimized = OptimizedModelWriter.optimize(ModelSource.of("optimized-check", bytes),
        GraphOptLevel.EXTENDED);
    try {
      List<String> ops = new ArrayList<>();
      for (NodeProto n : ModelProto.parseFrom(optimized).getGraph().getNodeList()) {
        ops.add(n.getOpType());
      }
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A model under test resources models/, or null while it is not there. */
  static byte[] shippedModel(String file) {
    try (InputStream in = OrtSupport.class.getResourceAsStream("/models/" + file)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fashion-MNIST test images 0 and 1 as float32 [2 * 784] (x / 255). */
  static float[] twoImages() {
    byte[] raw = shippedModel("tiny/fashion_t10k_0_1.f32");
    float[] pixels = new float[2 * 784];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(pixels);
    return pixels;
  }

  /** The input shape of a shipped model for a batch of {@code n} images. */
  static long[] imageShape(String file, int n) {
    return file.equals("mlp.onnx") ? new long[] {n, 784} : new long[] {n, 1, 28, 28};
  }
}
