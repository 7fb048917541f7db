package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.onnx.CorpusFolder;
import org.qcal.onnx.OnnxModel;

/**
 * {@code qcal calibrate} with default options on every model of the opset corpus
 * (tools/corpus/opset_models.py: opsets 7 to 12 and 17 to 21, made into {@code
 * target/opset-corpus} when missing and python3-torch is installed): exit 0, and the int8 model
 * is at opset 13 or the model's own if later, with per-axis weights. Tagged "corpus":
 * {@code mvn -pl jobs -am test -Dgroups=corpus -Dqcal.excluded.groups=none
 * -Dtest=OpsetCorpusCalibrateTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("corpus")
class OpsetCorpusCalibrateTest {
  private static final Path CORPUS = CorpusFolder.OPSET_DIR;

  @TempDir static Path out;
  private static JsonNode manifest;

  @BeforeAll
  static void corpus() throws IOException {
    manifest = CorpusRuns.opsetManifest();
    JobsTestSpark.start("OpsetCorpusCalibrateTest", 1);
  }

  @TestFactory
  Stream<DynamicTest> calibrateExitsZeroWithPerAxisWeightsAtOpset13OrLater() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode m : manifest.get("models")) {
      String name = m.get("name").asText();
      tests.add(dynamicTest(name, () -> {
        Path target = out.resolve(name);
        CorpusRuns.Outcome run = CorpusRuns.run(List.of("calibrate",
            "--model", CORPUS.resolve(m.get("file").asText()).toString(),
            "--data", CORPUS.resolve(m.get("calib_data").asText()).toString(),
            "--out", target.toString()));
        assertEquals(ExitCode.OK, run.exit(), name + ": " + run.err());
        OnnxModel int8 = OnnxModel.load(target.resolve("model.int8.onnx"));
        assertEquals(Math.max(13, m.get("opset").asLong()), int8.onnxOpset(), name);
        assertTrue(int8.graph().getNodeList().stream().anyMatch(
            n -> n.getOpType().equals("DequantizeLinear")
                && n.getAttributeList().stream().anyMatch(a -> a.getName().equals("axis"))),
            name + ": no per-axis DequantizeLinear");
      }));
    }
    return tests.stream();
  }
}
