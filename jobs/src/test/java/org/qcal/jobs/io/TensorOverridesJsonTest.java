package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.calib.Range;
import org.qcal.jobs.api.Recipe;
import org.qcal.jobs.api.TensorOverride;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;

class TensorOverridesJsonTest {
  private static Map<String, TensorOverride> parse(String json) {
    return TensorOverridesJson.parse(json.getBytes(StandardCharsets.UTF_8), "o.json");
  }

  private static String refusal(String json) {
    return assertThrows(QcalException.class, () -> parse(json)).getMessage();
  }

  @Test
  void readsOnnxRuntimesFormAndNames() {
    Map<String, TensorOverride> o = parse("{\"a\": [{\"quant_type\": \"QUInt16\","
        + " \"rmin\": -1, \"rmax\": 1}], \"b\": {\"scale\": 0.25, \"zero_point\": 128},"
        + " \"c\": [{\"symmetric\": true, \"reduce_range\": false}]}");

    assertEquals(new TensorOverride(QuantType.UINT16, null, null, -1.0, 1.0, null, null),
        o.get("a"));
    assertEquals(new TensorOverride(null, null, null, null, null, 0.25f, 128), o.get("b"));
    assertEquals(Boolean.TRUE, o.get("c").symmetric());
    assertNull(o.get("c").type());
  }

  @Test
  void paramsFollowTheOverride() {
    Recipe recipe = Recipe.builder().build(); // uint8 asymmetric
    Range calibrated = Range.of(-3f, 5f);
    Map<String, TensorOverride> o = parse("{\"a\": [{\"quant_type\": \"uint16\", \"rmin\": -1,"
        + " \"rmax\": 1}], \"b\": [{\"scale\": 0.25, \"zero_point\": 128}],"
        + " \"c\": [{\"rmax\": 2.55}], \"d\": [{\"symmetric\": true, \"quant_type\": \"int8\"}]}");

    // [-1, 1] to uint16: scale 2 / 65535, zero point rint(1 / scale) = rint(32767.5) = 32768.
    assertEquals(QuantParams.of((float) (2.0 / 65535), 32768, QuantType.UINT16),
        o.get("a").params(calibrated, recipe));
    assertEquals(QuantParams.of(0.25f, 128, QuantType.UINT8),
        o.get("b").params(calibrated, recipe));
    // rmax only: [-3, 2.55] to uint8: scale 5.55 / 255, zero point rint(3 / scale) = rint(137.8).
    assertEquals(QuantParams.of((float) ((2.55f + 3.0) / 255), 138, QuantType.UINT8),
        o.get("c").params(calibrated, recipe));
    // int8 symmetric over amax 5: scale 5 / 127, zero point 0.
    assertEquals(QuantParams.of((float) (5.0 / 127), 0, QuantType.INT8),
        o.get("d").params(calibrated, recipe));
  }

  @Test
  void roundTripsThroughTheRecipeForm() {
    Map<String, TensorOverride> o = parse("{\"a\": [{\"quant_type\": \"int16\", \"symmetric\":"
        + " true, \"rmin\": -0.5}], \"b\": [{\"scale\": 0.125, \"zero_point\": -3}]}");
    var node = TensorOverridesJson.write(o, new ObjectMapper().createObjectNode());

    assertEquals(o, TensorOverridesJson.read(node, "x"));
  }

  @Test
  void refusesBadFilesNamingTheFileAndTheEntry() {
    assertEquals("o.json: must be a JSON object of tensor name to overrides",
        refusal("[1]"));
    assertEquals("o.json: entry 'a': key 'axis' is not supported; the keys"
        + " are [quant_type, reduce_range, rmax, rmin, scale, symmetric, zero_point]",
        refusal("{\"a\": [{\"axis\": 0}]}"));
    assertEquals("o.json: entry 'a': scale and zero_point must be given"
        + " together", refusal("{\"a\": [{\"scale\": 0.5}]}"));
    assertEquals("o.json: entry 'a': scale and zero_point exclude symmetric,"
        + " reduce_range, rmin and rmax",
        refusal("{\"a\": [{\"scale\": 0.5, \"zero_point\": 0, \"rmin\": 0}]}"));
    assertEquals("o.json: entry 'a': must be a list of one object (per-tensor"
        + " overrides), got 2 objects", refusal("{\"a\": [{}, {}]}"));
    assertEquals("o.json: entry 'b': quant_type must be one of [uint8, int8,"
        + " uint16, int16], got int4", refusal("{\"a\": [{}], \"b\": [{\"quant_type\": \"int4\"}]}"));
    assertEquals("o.json: entry 'a': rmin must be <= rmax, got 2.0 > 1.0",
        refusal("{\"a\": [{\"rmin\": 2, \"rmax\": 1}]}"));
    assertEquals("o.json: entry 'a': symmetric must be true or false, got"
        + " \"yes\"", refusal("{\"a\": [{\"symmetric\": \"yes\"}]}"));
    assertEquals("o.json: not JSON", refusal("{\"a\": ").substring(0, 16));
  }
}
