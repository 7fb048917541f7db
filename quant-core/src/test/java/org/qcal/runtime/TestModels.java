package org.qcal.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** The runtime tests' models, read from the test classpath (see tools/make_runtime_test_models.py). */
final class TestModels {
  private TestModels() {}

  /** A tiny model under models/tiny/, named and hashed as usual. */
  static ModelSource tiny(String file) {
    return ModelSource.of(file, resource("/models/tiny/" + file));
  }

  /**
   * The same model bytes under a digest no other test uses, so a test can count loads and evict
   * without seeing or disturbing sessions other tests opened in this JVM.
   */
  static ModelSource fresh(String file) {
    byte[] bytes = resource("/models/tiny/" + file);
    return ModelSource.of(file, "test-" + UUID.randomUUID(), bytes);
  }

  /** A model or file under models/ (e.g. cnn.onnx), or null while it is not there yet. */
  static byte[] optional(String path) {
    try (InputStream in = TestModels.class.getResourceAsStream("/models/" + path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fashion-MNIST test images 0 and 1 as float32 [2, 1, 28, 28] (x / 255). */
  static float[] fashionImages01() {
    ByteBuffer b = ByteBuffer.wrap(resource("/models/tiny/fashion_t10k_0_1.f32"))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] pixels = new float[2 * 784];
    b.asFloatBuffer().get(pixels);
    return pixels;
  }

  static byte[] resource(String path) {
    try (InputStream in = TestModels.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
