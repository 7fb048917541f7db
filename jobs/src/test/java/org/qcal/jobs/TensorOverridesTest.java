package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.jobs.cli.ExitCode;
import org.qcal.jobs.io.CalibrationOutputs;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * {@code --tensor-overrides} (ONNX Runtime's TensorQuantOverrides, docs/DESIGN.md "Per-tensor
 * overrides"): a fixed range and a fixed scale land in the exported Q/DQ, calibration.json's
 * recipe records them, {@code validate --calibration} rebuilds the same bytes, and a tensor the
 * model does not quantize is refused before any pass, naming the file and the entry.
 */
class TensorOverridesTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path out;
  private static String cnn;

  private static int calibrate(Path overrides, Path outDir, StringWriter err) {
    return TestRuns.calibrateCli(cnn, 64, outDir, err, "--methods", "minmax", "--choose",
        "minmax", "--tensor-overrides", overrides.toString());
  }

  @BeforeAll
  static void run() throws Exception {
    spark = JobsTestSpark.start("TensorOverridesTest", 1);
    cnn = TestPaths.model("cnn.onnx");
    out = tmp.resolve("out");
    Path overrides = tmp.resolve("overrides.json");
    Files.writeString(overrides, "{\"input\": [{\"quant_type\": \"uint16\", \"rmin\": 0,"
        + " \"rmax\": 2}], \"logits\": [{\"scale\": 0.25, \"zero_point\": 128}]}");
    assertEquals(ExitCode.OK, calibrate(overrides, out, new StringWriter()));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static TensorProto init(GraphProto g, String name) {
    return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  private static float scale(GraphProto g, String tensor) {
    return ByteBuffer.wrap(init(g, tensor + "_scale").getRawData().toByteArray())
        .order(ByteOrder.LITTLE_ENDIAN).getFloat();
  }

  @Test
  void fixedRangeAndFixedScaleLandInTheExportedQdq() throws Exception {
    GraphProto g = OnnxModel.load(out.resolve(CalibrationOutputs.QDQ_MODEL)).graph();

    // input over [0, 2] to uint16: scale 2 / 65535, zero point rint(0 - 0 / scale) = 0.
    assertEquals((float) (2.0 / 65535), scale(g, "input"));
    TensorProto zp = init(g, "input_zero_point");
    assertEquals(ElementType.UINT16.code(), zp.getDataType());
    assertArrayEquals(new byte[] {0, 0}, zp.getRawData().toByteArray());
    assertTrue(g.getNodeList().stream().anyMatch(n -> n.getOpType().equals("QuantizeLinear")
        && n.getInput(0).equals("input") && n.getDomain().equals("com.microsoft")),
        "16-bit Q below opset 21 is ONNX Runtime's contrib op");
    // logits: the scale and zero point given, in the recipe's uint8.
    assertEquals(0.25f, scale(g, "logits"));
    assertArrayEquals(new byte[] {(byte) 128}, init(g, "logits_zero_point").getRawData()
        .toByteArray());
  }

  @Test
  void calibrationJsonRecordsTheOverrides() {
    JsonNode o = OutputFiles.json(out).path("settings").path("recipe").path("tensorOverrides");
    assertEquals("[{\"quant_type\":\"uint16\",\"rmin\":0.0,\"rmax\":2.0}]",
        o.path("input").toString());
    assertEquals("[{\"scale\":0.25,\"zero_point\":128}]", o.path("logits").toString());
  }

  @Test
  void validateRebuildsTheExportedModelFromCalibrationJson() {
    OutputFiles.assertRebuiltExport(out, cnn, "minmax");
  }

  @Test
  void anUnknownTensorIsRefusedBeforeAnyPassNamingTheFileAndEntry() throws Exception {
    Path overrides = tmp.resolve("unknown.json");
    Files.writeString(overrides, "{\"input\": [{\"rmax\": 1}], \"/conv1/Conv\": [{}]}");
    StringWriter err = new StringWriter();
    Path dir = tmp.resolve("unknown-out");

    assertEquals(ExitCode.BAD_INPUT, calibrate(overrides, dir, err));
    String[] lines = err.toString().trim().split("\n");
    assertEquals("qcal: --tensor-overrides " + overrides + ": entry '/conv1/Conv': model " + cnn
        + " quantizes no activation tensor of that name", lines[lines.length - 1]);
    assertFalse(Files.exists(dir), "nothing written");
  }

  @Test
  void anOutputFolderHoldingTheOverridesFileIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("holder"));
    Path overrides = dir.resolve("o.json");
    Files.writeString(overrides, "{}");
    StringWriter err = new StringWriter();

    assertEquals(ExitCode.BAD_INPUT, calibrate(overrides, dir, err));
    assertTrue(err.toString().contains(overrides.toString()), err.toString());
    assertTrue(Files.exists(overrides), "the input is untouched");
  }

  @Test
  void aBadFileIsRefusedNamingIt() throws Exception {
    Path overrides = tmp.resolve("bad.json");
    Files.writeString(overrides, "{\"input\": [{\"scale\": 0.1}]}");
    StringWriter err = new StringWriter();

    assertEquals(ExitCode.BAD_INPUT, calibrate(overrides, tmp.resolve("bad-out"), err));
    String[] lines = err.toString().trim().split("\n");
    assertEquals("qcal: --tensor-overrides " + overrides + ": entry 'input': scale and zero_point"
        + " must be given together", lines[lines.length - 1]);
  }
}
