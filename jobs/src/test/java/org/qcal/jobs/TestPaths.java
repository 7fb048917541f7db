package org.qcal.jobs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped test models and data, from the jobs module's folder (Maven's working folder). */
final class TestPaths {
  static final Path MODELS = Path.of("../quant-core/src/test/resources/models").toAbsolutePath();
  static final Path SLICE =
      Path.of("src/test/resources/data/fashion-mnist-slice.parquet").toAbsolutePath();

  private TestPaths() {}

  static String model(String name) {
    Path p = MODELS.resolve(name);
    if (!Files.exists(p)) {
      throw new IllegalStateException("missing test model " + p);
    }
    return p.toString();
  }

  static String slice() {
    return SLICE.toString();
  }
}
