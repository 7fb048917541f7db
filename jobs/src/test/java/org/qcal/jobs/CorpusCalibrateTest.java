package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qcal calibrate} with default options on every model of the corpus
 * (tools/corpus/make_corpus.py, made into {@code target/corpus} when missing and python3-torch
 * is installed): exit 0, except for the models whose failure is still known, which must fail
 * with exactly their known message (so that this test notices when one starts to work).
 * Tagged "corpus": {@code mvn -pl jobs -am test -Dgroups=corpus -Dqcal.excluded.groups=none}.
 */
@Tag("corpus")
class CorpusCalibrateTest {
  private static final Path CORPUS = CorpusRuns.ROOT.resolve("target/corpus");

  /** Model -> the part of its message that names what qcal cannot do yet. */
  private static final Map<String, String> KNOWN_FAILURES = Map.of(
      "segnet_op11_constants_resize", "has dynamic dims 2 and 3",
      "segnet_op17_init_convtranspose", "has dynamic dims 2 and 3");

  @TempDir static Path out;
  private static JsonNode manifest;

  @BeforeAll
  static void corpus() throws IOException, InterruptedException {
    manifest = CorpusRuns.manifest("make_corpus.py", "corpus");
    JobsTestSpark.start("CorpusCalibrateTest", 1);
  }

  @TestFactory
  Stream<DynamicTest> calibrateExitsZeroOrWithTheKnownMessage() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode m : manifest.get("models")) {
      String name = m.get("name").asText();
      tests.add(dynamicTest(name, () -> {
        List<String> args = new ArrayList<>(List.of("calibrate",
            "--model", CORPUS.resolve(m.get("file").asText()).toString(),
            "--data", CORPUS.resolve(m.get("calib_data").asText()).toString(),
            "--out", out.resolve(name).toString()));
        m.get("qcal_args").forEach(a -> args.add(a.asText()));
        CorpusRuns.Outcome run = CorpusRuns.run(args);
        int exit = run.exit();
        String err = run.err();
        String known = KNOWN_FAILURES.get(name);
        if (known == null) {
          assertEquals(ExitCode.OK, exit, name + ": " + err);
        } else {
          assertEquals(ExitCode.BAD_INPUT, exit, name + " (known failure): " + err);
          assertTrue(err.contains(known), name + ": " + err);
        }
      }));
    }
    return tests.stream();
  }
}
