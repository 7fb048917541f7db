package org.qcal.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The TensorRT calibration cache, byte for byte: a header {@code TRT-<version>-EntropyCalibration2}
 * and one line {@code <name>: <hex>} per tensor, hex the 8 lowercase digits of the IEEE-754
 * float32 bits (big-endian, as printed) of the scale {@code amax / 127}.
 *
 * <p>The expected bits, by hand (sign | 8 exponent bits, bias 127 | 23 mantissa bits):
 *
 * <ul>
 *   <li>amax 127: scale 1.0 = 1.0 x 2^0, exponent 127 = 0x7f, mantissa 0: 0 01111111 0...0 =
 *       {@code 3f800000}.
 *   <li>amax 63.5: scale 0.5 = 1.0 x 2^-1, exponent 126: 0 01111110 0...0 = {@code 3f000000}.
 *   <li>amax 254: scale 2.0 = 1.0 x 2^1, exponent 128: 0 10000000 0...0 = {@code 40000000}.
 *   <li>amax 1: scale 1/127 = 2^-7 x 128/127, and 128/127 = 1.0000001 0000001 0000001 ...
 *       (binary, period 7). Exponent 127 - 7 = 120: 0 01111000; the 23 mantissa bits are
 *       0000001 0000001 0000001 00, the next bit 0 rounds down: 000 0001 0000 0010 0000 0100 =
 *       0x010204, so {@code 3c010204}.
 *   <li>amax 12.7: scale 0.1, whose float32 is the well-known {@code 3dcccccd} (1.6 x 2^-4,
 *       exponent 123: 0 01111011, mantissa 0.6 x 2^23 = 5033164.8 rounded up to 0x4ccccd).
 * </ul>
 */
class TensorRtCacheTest {

  @Test
  void scalesAreTheFloat32BitsOfAmaxOver127InLowercaseHex() {
    assertEquals("3f800000", TensorRtCache.hexScale(127));
    assertEquals("3f000000", TensorRtCache.hexScale(63.5));
    assertEquals("40000000", TensorRtCache.hexScale(254));
    assertEquals("3c010204", TensorRtCache.hexScale(1));
    assertEquals("3dcccccd", TensorRtCache.hexScale(12.7));
  }

  @Test
  void theFileIsTheHeaderThenOneLinePerTensorInTheMapsOrder() {
    Map<String, Double> amax = new TreeMap<>(Map.of(
        "input", 1.0, "logits", 12.7, "relu_out", 127.0, "/conv1/Conv_output_0", 254.0));

    String text = new String(TensorRtCache.write(amax, TensorRtCache.DEFAULT_VERSION),
        StandardCharsets.UTF_8);

    assertEquals("TRT-8601-EntropyCalibration2\n"
        + "/conv1/Conv_output_0: 40000000\n"
        + "input: 3c010204\n"
        + "logits: 3dcccccd\n"
        + "relu_out: 3f800000\n", text);
  }

  @Test
  void theHeaderCarriesTheGivenVersionAndAnInsertionOrderedMapKeepsItsOrder() {
    Map<String, Double> amax = new LinkedHashMap<>();
    amax.put("z", 63.5);
    amax.put("a", 127.0);

    assertEquals("TRT-8500-EntropyCalibration2\nz: 3f000000\na: 3f800000\n",
        new String(TensorRtCache.write(amax, 8500), StandardCharsets.UTF_8));
  }
}
