package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class ModelDigestTest {

  @Test
  void sha256HexMatchesTheKnownVector() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ModelDigest.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void sourceHashesItsBytesAndNamesItselfInMessages() {
    ModelSource s = ModelSource.of("cnn.onnx", "abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(ModelDigest.sha256Hex(s.bytes()), s.digest());
    assertEquals("model 'cnn.onnx' (sha256 ba7816bf8f01)", s.toString());
  }

  @Test
  void rejectsMissingBytesAndEmptyDigest() {
    assertThrows(QcalException.class, () -> ModelSource.of("x.onnx", (byte[]) null));
    QcalException e = assertThrows(QcalException.class,
        () -> ModelSource.of("x.onnx", "", new byte[1]));
    assertTrue(e.getMessage().contains("x.onnx"), e.getMessage());
  }
}
