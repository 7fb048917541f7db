package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.TestPaths;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.api.CalibrationParameters;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.ExportChoice;
import org.qcal.jobs.api.GraphSummary;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.quant.QuantType;
import org.qcal.stats.TensorStats;

/**
 * calibration.json written from a result and read back gives every export's name, recipe,
 * sha256 and parameters exactly, and each export rebuilt from what was read has the bytes of
 * the original: what {@code validate --calibration} relies on. No Spark: the statistics are
 * made up, one ramp per tapped tensor of the CNN.
 */
class CalibrationJsonRoundTripTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static LoadedInputModel cnn() throws Exception {
    return LoadedInputModel.fromBytes("cnn.onnx",
        Files.readAllBytes(Path.of(TestPaths.model("cnn.onnx"))), true);
  }

  /**
   * Every tensor tapped by one of {@code recipes}' plans, its values a ramp from -k to 3k (k its
   * index + 1).
   */
  private static List<TensorCalibration> tensors(LoadedInputModel fp32,
      CalibrationParameters parameters, Recipe... recipes) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (Recipe r : recipes) {
      names.addAll(QuantizedExport.plan(fp32, r).tappedTensors());
    }
    List<TensorCalibration> tensors = new ArrayList<>();
    int k = 1;
    for (String name : names) {
      float[] values = new float[101];
      for (int i = 0; i < values.length; i++) {
        values[i] = k * (-1f + 4f * i / 100);
      }
      tensors.add(TensorCalibration.derive(name, List.of(name), new TensorStats().update(values),
          null, parameters));
      k++;
    }
    return tensors;
  }

  private static CalibrationParameters minmax(Recipe recipe) {
    return new CalibrationParameters(List.of(CalibrationMethod.MINMAX), 2048, 1, recipe,
        ExportChoice.of(CalibrationMethod.MINMAX), 64, false);
  }

  private static GraphSummary graph(LoadedInputModel fp32, QuantizedExport export) {
    return GraphSummary.of(fp32.toQuantize(), export.plan(), export.qdq().weightParams().size(),
        export.qdq().biasParams().size(), fp32.folding().folded());
  }

  @Test
  void everyExportReadsBackAndRebuildsByteForByte() throws Exception {
    LoadedInputModel fp32 = cnn();
    Recipe asym = Recipe.builder().method(CalibrationMethod.MINMAX).build();
    CalibrationParameters parameters = minmax(asym);
    // The first Conv in float: its output, before the Relu, becomes a tensor to quantize.
    String firstNode = fp32.toQuantize().graph().getNode(0).getName();
    Recipe floating = asym.withFloatNodes(List.of(firstNode));
    List<TensorCalibration> tensors = tensors(fp32, parameters, asym, floating);
    List<QuantizedExport> exports = List.of(
        QuantizedExport.derive("minmax-asym", fp32, tensors, asym),
        QuantizedExport.derive("minmax-sym", fp32, tensors,
            asym.toBuilder().symmetricActivations(true).activationType(QuantType.INT8).build()),
        QuantizedExport.derive("minmax-asym+float1", fp32, tensors, floating));
    CalibrationResult result = new CalibrationResult("cnn.onnx", fp32.digest(), "rows",
        "dataset", Map.of("input", "pixels"), 101, parameters, tensors, exports, exports.get(1),
        null, List.of(), graph(fp32, exports.get(0)), null, BiasShifts.NONE);

    CalibrationFile file = CalibrationFile.parse(JSON.readTree(CalibrationJson.write(result)),
        "calibration.json");
    assertEquals("minmax-sym", file.chosen());
    assertEquals(fp32.digest(), file.modelSha256());
    assertEquals(exports.size(), file.exports().size());
    for (int i = 0; i < exports.size(); i++) {
      QuantizedExport original = exports.get(i);
      CalibrationFile.StoredExport stored = file.exports().get(i);
      assertEquals(original.name(), stored.name());
      assertEquals(original.recipe(), stored.recipe(), stored.name());
      assertEquals(original.sha256(), stored.sha256(), stored.name());
      assertEquals(original.activations(), stored.params(), stored.name());
      QuantizedExport rebuilt = QuantizedExport.withParams(stored.name(), fp32, stored.recipe(),
          stored.params(), file.biasShifts());
      assertArrayEquals(original.bytes(), rebuilt.bytes(), stored.name());
    }
    assertFalse(file.exports().get(2).params().isEmpty());
    assertEquals(List.of(firstNode), file.exports().get(2).recipe().floatNodes());
  }

  @Test
  void sameResultSameBytes() throws Exception {
    LoadedInputModel fp32 = cnn();
    Recipe recipe = Recipe.builder().method(CalibrationMethod.MINMAX).build();
    CalibrationParameters parameters = minmax(recipe);
    byte[][] written = new byte[2][];
    for (int run = 0; run < 2; run++) {
      List<TensorCalibration> tensors = tensors(fp32, parameters, recipe);
      QuantizedExport export = QuantizedExport.derive("minmax", fp32, tensors, recipe);
      written[run] = CalibrationJson.write(new CalibrationResult("cnn.onnx", fp32.digest(),
          "rows", "dataset", Map.of(), 101, parameters, tensors, List.of(export), export, null,
          List.of(), graph(fp32, export), null, BiasShifts.NONE));
    }
    assertArrayEquals(written[0], written[1]);
  }

  @Test
  void anOlderSchemaIsRefusedWithWhatToDo() throws Exception {
    QcalException e = assertThrows(QcalException.class, () -> CalibrationFile.parse(
        JSON.readTree("{\"schema\": \"qcal.calibration/1\"}"), "old.json"));
    assertEquals("old.json: schema is 'qcal.calibration/1', expected qcal.calibration/2"
        + " (calibrate again with this version of qcal)", e.getMessage());
  }
}
