package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.jobs.io.JsonTrees.fields;
import static org.qcal.jobs.io.JsonTrees.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * validation.json written from reports made by hand ({@link ValidationFixture}, where each
 * number is derived), parsed back with Jackson: the schema's fields, in order, with their values.
 */
class ValidationJsonTest {
  @Test
  void aClassifyingReportWritesEveryFieldOfTheSchema() throws IOException {
    JsonNode root = parse(ValidationJson.write(ValidationFixture.classifying()));

    assertEquals(List.of("schema", "passed", "model", "dataset", "samples", "gate", "reference",
        "classOutput", "outputs", "tensors", "candidates"), fields(root));
    assertEquals("qcal.validation/1", root.get("schema").textValue());
    assertEquals(true, root.get("passed").booleanValue());
    assertEquals(parse("{\"path\": \"models/cnn.onnx\", \"sha256\": \""
        + ValidationFixture.MODEL_SHA256 + "\"}"), root.get("model"));
    assertEquals(parse("""
        {"path": "data/calib.parquet", "format": "parquet", "inputs": {"x": "pixels"},
         "label": "label"}"""), root.get("dataset"));
    assertEquals(4, root.get("samples").intValue());
    assertEquals(parse("""
        {"metric": "top1", "maxDrop": 1.0, "passed": true, "best": "exact"}"""),
        root.get("gate"));
    // FP32: top-1 3 of 4 = 75 %, top-5 4 of 4 = 100 %; the gate's value is its top-1.
    assertEquals(parse("""
        {"name": "fp32", "value": 75.0, "top1": 75.0, "top5": 100.0,
         "counts": {"labeled": 4, "top1": 3, "top5": 4}}"""), root.get("reference"));
    assertEquals("logits", root.get("classOutput").textValue());
    assertEquals(parse("[\"logits\"]"), root.get("outputs"));
    assertEquals(parse("[\"relu_out\"]"), root.get("tensors"));
  }

  @Test
  void candidatesAreBestFirstWithTheirMetricsCountsAndErrors() throws IOException {
    JsonNode candidates = parse(ValidationJson.write(ValidationFixture.classifying()))
        .get("candidates");

    assertEquals(2, candidates.size());
    // exact: as FP32, so no drop and an infinite SQNR (written as a string), no error at all.
    assertEquals(parse("""
        {"rank": 1, "name": "exact", "source": "calibration.json exact",
         "sha256": "exact-sha256", "passed": true, "value": 75.0, "drop": 0.0,
         "metrics": {"top1": 75.0, "top5": 100.0, "agreement": 100.0, "top1Drop": 0.0,
                     "top5Drop": 0.0,
                     "counts": {"samples": 4, "labeled": 4, "top1": 3, "top5": 4,
                                "compared": 4, "agreed": 4}},
         "outputs": [{"name": "logits", "sqnrDb": "Infinity", "cosine": 1.0, "mse": 0.0}],
         "tensors": [{"name": "relu_out", "sqnrDb": null, "cosine": null, "mse": null}]}"""),
        candidates.get(0));
    // flipped: top-1 2 of 4 = 50 %, agreement 3 of 4 = 75 %, top-1 drop 25 points, top-5 none.
    JsonNode flipped = candidates.get(1);
    assertEquals(ValidationFixture.FLIPPED_SQNR_DB,
        flipped.at("/outputs/0/sqnrDb").doubleValue(), 1e-12);
    ((ObjectNode) flipped.at("/outputs/0")).remove("sqnrDb");
    assertEquals(parse("""
        {"rank": 2, "name": "flipped", "source": "calibration.json flipped",
         "sha256": "flipped-sha256", "passed": false, "value": 50.0, "drop": 25.0,
         "metrics": {"top1": 50.0, "top5": 100.0, "agreement": 75.0, "top1Drop": 25.0,
                     "top5Drop": 0.0,
                     "counts": {"samples": 4, "labeled": 4, "top1": 2, "top5": 4,
                                "compared": 4, "agreed": 3}},
         "outputs": [{"name": "logits", "cosine": 0.96, "mse": 1.0}],
         "tensors": [{"name": "relu_out", "sqnrDb": null, "cosine": null, "mse": null}]}"""),
        flipped);
  }

  @Test
  void anSqnrGateWritesItsFloorAndFp32sInfiniteValueAndNoCounts() throws IOException {
    JsonNode root = parse(ValidationJson.write(ValidationFixture.sqnrGated()));

    assertEquals(parse("""
        {"metric": "sqnr", "minSqnrDb": 20.0, "passed": true, "best": "exact"}"""),
        root.get("gate"));
    assertEquals(parse("{\"name\": \"fp32\", \"value\": \"Infinity\"}"), root.get("reference"));
    assertTrue(root.get("classOutput").isNull());
    assertTrue(root.at("/dataset/label").isNull(), "no label column");
    JsonNode exact = root.at("/candidates/0");
    assertEquals(List.of("rank", "name", "source", "sha256", "passed", "value", "drop",
        "outputs", "tensors"), fields(exact), "no metrics without class scores");
    assertEquals("Infinity", exact.get("value").textValue());
    assertTrue(exact.get("drop").isNull(), "the SQNR gate has no drop: NaN is null");
    JsonNode flipped = root.at("/candidates/1");
    assertEquals(ValidationFixture.FLIPPED_SQNR_DB, flipped.get("value").doubleValue(), 1e-12);
    assertEquals(false, flipped.get("passed").booleanValue(), "10.97 dB is under 20");
  }

  @Test
  void equalInputsGiveByteIdenticalFiles() {
    assertArrayEquals(ValidationJson.write(ValidationFixture.classifying()),
        ValidationJson.write(ValidationFixture.classifying()));
    assertArrayEquals(ValidationJson.write(ValidationFixture.sqnrGated()),
        ValidationJson.write(ValidationFixture.sqnrGated()));
  }
}
