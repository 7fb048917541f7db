package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;

class NpyHeaderTest {
  private static NpyHeader read(byte[] bytes) {
    return NpyHeader.read(new DataInputStream(new ByteArrayInputStream(bytes)), "a.npy");
  }

  @Test
  void readsVersion1HeaderAndLeavesStreamAtTheData() throws IOException {
    byte[] file = NpyFiles.v1("<f4", "(2, 3)", NpyFiles.f32(7.5f));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
    NpyHeader h = NpyHeader.read(in, "a.npy");
    assertEquals(NpyHeader.DType.FLOAT32, h.dtype);
    assertArrayEquals(new long[] {2, 3}, h.shape);
    assertEquals(6, h.elementCount());
    assertEquals(7.5f, Float.intBitsToFloat(Integer.reverseBytes(in.readInt())));
  }

  @Test
  void readsVersion2And3Headers() {
    NpyHeader v2 = read(NpyFiles.file(2,
        "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", new byte[0]));
    assertEquals(NpyHeader.DType.INT64, v2.dtype);
    assertArrayEquals(new long[] {4}, v2.shape);
    NpyHeader v3 = read(NpyFiles.file(3,
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new byte[0]));
    assertEquals(NpyHeader.DType.FLOAT64, v3.dtype);
    assertArrayEquals(new long[0], v3.shape);
    assertEquals(1, v3.elementCount());
  }

  @Test
  void parsesKeysInAnyOrderAndSpacing() {
    NpyHeader h = NpyHeader.parse(
        "{ \"shape\" :(3 ,2,1) ,'fortran_order':False,'descr':'<i4'}", "a.npy");
    assertEquals(NpyHeader.DType.INT32, h.dtype);
    assertArrayEquals(new long[] {3, 2, 1}, h.shape);
  }

  @Test
  void rejectsFortranOrder() {
    QcalException e = assertThrows(QcalException.class, () -> read(NpyFiles.v1(
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[0])));
    assertEquals("file 'a.npy' is in Fortran order; qcal reads C order only (numpy: "
        + "np.save(path, np.ascontiguousarray(a)))", e.getMessage());
  }

  @Test
  void rejectsBigEndian() {
    QcalException e = assertThrows(QcalException.class,
        () -> read(NpyFiles.v1(">f4", "(2,)", new byte[0])));
    assertEquals("file 'a.npy' is big-endian ('>f4'); qcal reads little-endian .npy only "
        + "(numpy: a.astype(a.dtype.newbyteorder('<')))", e.getMessage());
  }

  @Test
  void rejectsUnsupportedDtype() {
    QcalException e = assertThrows(QcalException.class,
        () -> read(NpyFiles.v1("|u1", "(2,)", new byte[0])));
    assertEquals("file 'a.npy' holds dtype '|u1'; qcal reads float32, float64, int32 or int64 "
        + "(<f4, <f8, <i4, <i8)", e.getMessage());
  }

  @Test
  void rejectsStructuredDtype() {
    QcalException e = assertThrows(QcalException.class, () -> NpyHeader.parse(
        "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        "a.npy"));
    assertEquals("file 'a.npy' holds a structured dtype [('x', '<f4'), ('y', '<f4')]; qcal "
        + "reads plain float32, float64, int32 or int64 arrays", e.getMessage());
  }

  @Test
  void rejectsMissingKeyAndMalformedDict() {
    QcalException missing = assertThrows(QcalException.class,
        () -> NpyHeader.parse("{'descr': '<f4', 'shape': (2,)}", "a.npy"));
    assertEquals("file 'a.npy' has a .npy header without descr, fortran_order and shape: "
        + "{'descr': '<f4', 'shape': (2,)}", missing.getMessage());
    QcalException bad = assertThrows(QcalException.class,
        () -> NpyHeader.parse("{'descr': '<f4' 'shape': (2,)}", "a.npy"));
    assertEquals("file 'a.npy' has a malformed .npy header: expected ',' or '}' at character "
        + "16 of {'descr': '<f4' 'shape': (2,)}", bad.getMessage());
  }

  @Test
  void rejectsFilesThatAreNotNpy() {
    QcalException e = assertThrows(QcalException.class,
        () -> read("PK\u0003\u0004 not numpy".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("file 'a.npy' is not a .npy file (no \\x93NUMPY magic)", e.getMessage());
    QcalException cut = assertThrows(QcalException.class, () -> read(new byte[] {(byte) 0x93}));
    assertEquals("file 'a.npy' ends inside its .npy header", cut.getMessage());
  }
}
