package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.qcal.onnx.GraphBuilder.intAttr;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

class NibbleBlocksTest {
  private static final int K = 20;
  private static final int N = 2;

  /**
   * B [K = 20, N = 2], row-major (MatMul's layout). Column 0 starts 0.875, -0.3125, 0.1875,
   * column 1 starts 1.375, -0.5, 0.0625, 0.1875; k = 16 (the second block of 16) holds 0.5 and
   * -0.25; every other value is 0.
   */
  private static float[] weights() {
    float[] b = new float[K * N];
    float[] c0 = {0.875f, -0.3125f, 0.1875f};
    float[] c1 = {1.375f, -0.5f, 0.0625f, 0.1875f};
    for (int k = 0; k < c0.length; k++) {
      b[k * N] = c0[k];
    }
    for (int k = 0; k < c1.length; k++) {
      b[k * N + 1] = c1[k];
    }
    b[16 * N] = 0.5f;
    b[16 * N + 1] = -0.25f;
    return b;
  }

  /** {@code b} [K, N] as [N, K]. */
  private static float[] transposed(float[] b) {
    float[] t = new float[b.length];
    for (int k = 0; k < K; k++) {
      for (int n = 0; n < N; n++) {
        t[n * K + k] = b[k * N + n];
      }
    }
    return t;
  }

  @Test
  void int4IsSymmetricStoredPlusEightLowNibbleFirst() {
    NibbleBlocks q = NibbleBlocks.quantize("B", weights(), K, N, false, 16, QuantType.INT4);

    assertEquals(2, q.kBlocks());
    assertEquals(N * 2 * 8, q.blob().length, "[N, kBlocks, 16 / 2]");
    assertNull(q.zeroPoints(), "int4 relies on MatMulNBits' default zero point 8");
    // Column 0, block 0: amax 0.875, scale 0.875 / 7 = 0.125; q = rint([7, -2.5, 1.5, 0]) =
    // [7, -2, 2, 0] (half to even), stored + 8 = [15, 6, 10, 8]. ONNX packs 4-bit values first
    // element in the low nibble (onnx docs/IR.md, "4 bit integer types"), as MatMulNBits does:
    // bytes 15 | 6 << 4 = 0x6F and 10 | 8 << 4 = 0x8A; the zeros are 8 | 8 << 4 = 0x88.
    assertEquals(0.125f, q.params().scale(0));
    assertEquals((byte) 0x6F, q.blob()[0]);
    assertEquals((byte) 0x8A, q.blob()[1]);
    for (int i = 2; i < 8; i++) {
      assertEquals((byte) 0x88, q.blob()[i], "byte " + i);
    }
    // Column 0, block 1: k = 16..19 hold [0.5, 0, 0, 0], amax 0.5, scale 0.5 / 7; q 7 -> 15;
    // k = 20..31 lie past K and are stored as the zero point 8.
    assertEquals((float) (0.5 / 7), q.params().scale(1));
    assertEquals((byte) 0x8F, q.blob()[8]);
    assertEquals((byte) 0x88, q.blob()[15]);
  }

  @Test
  void uint4IsAsymmetricWithPackedZeroPoints() {
    NibbleBlocks q = NibbleBlocks.quantize("B", weights(), K, N, false, 16, QuantType.UINT4);

    // Column 1, block 0 (scales index 1 * 2 + 0): range [-0.5, 1.375], scale 1.875 / 15 =
    // 0.125, zero point rint(0.5 / 0.125) = 4; q = rint([11, -4, 0.5, 1.5]) + 4 = [15, 0, 4, 6]
    // (0.5 and 1.5 to even), bytes 15 | 0 << 4 = 0x0F and 4 | 6 << 4 = 0x64; zeros are 4 | 4 << 4.
    assertEquals(0.125f, q.params().scale(2));
    assertEquals(4, q.params().zeroPoint(2));
    int col1 = 2 * 8;
    assertEquals((byte) 0x0F, q.blob()[col1]);
    assertEquals((byte) 0x64, q.blob()[col1 + 1]);
    assertEquals((byte) 0x44, q.blob()[col1 + 2]);
    // Column 1, block 1: range [-0.25, 0], scale 0.25 / 15, zero point rint(15) = 15. Zero
    // points one byte per column (ceil(2 blocks / 2)): block 0 low, block 1 high: 4 | 15 << 4.
    assertEquals(15, q.params().zeroPoint(3));
    assertEquals(2, q.zeroPoints().length);
    assertEquals((byte) 0xF4, q.zeroPoints()[1]);
    QuantParams same = QuantParams.fromRange(-0.5, 1.375, QuantType.UINT4, QuantRule.ASYMMETRIC);
    assertEquals(same.scale(), q.params().scale(2), "the block rule is docs/DESIGN.md's");
  }

  @Test
  void transposedLayoutGivesTheSameBlocks() {
    float[] b = weights();
    float[] t = transposed(b);
    NibbleBlocks a = NibbleBlocks.quantize("B", b, K, N, false, 16, QuantType.UINT4);
    NibbleBlocks c = NibbleBlocks.quantize("Bt", t, K, N, true, 16, QuantType.UINT4);

    assertArrayEquals(a.blob(), c.blob());
    assertArrayEquals(a.zeroPoints(), c.zeroPoints());
    assertEquals(a.params(), c.params());
  }

  @Test
  void rejectsABlockSizeOnnxRuntimeHasNoKernelFor() {
    QcalException e = assertThrows(QcalException.class,
        () -> NibbleBlocks.quantize("B", weights(), K, N, false, 24, QuantType.INT4));
    assertTrue(e.getMessage().contains("power of two"), e.getMessage());
  }

  /**
   * int16 symmetric over [-1, 1]: scale 1 / 32767, so x in {-1, 0, 1} is exact, and so is
   * MatMulNBits' own int8 block quantization of A (accuracy_level 4: scale amax / 127).
   */
  private static final QuantParams X = QuantParams.fromRange(-1, 1, QuantType.INT16,
      QuantRule.SYMMETRIC);
  /** y over [-4, 4], int16 symmetric: one step 4 / 32767 = 1.2e-4. */
  private static final QuantParams Y = QuantParams.fromRange(-4, 4, QuantType.INT16,
      QuantRule.SYMMETRIC);

  private static float[] x() {
    float[] x = new float[K];
    x[0] = 1;
    x[1] = -1;
    x[2] = 1;
    x[3] = -1;
    x[16] = 1;
    return x;
  }

  /** y = x B with B's dequantized values: the oracle MatMulNBits must match. */
  private static float[] expected(NibbleBlocks q, QuantType type) {
    float[] y = new float[N];
    float[] b = weights();
    for (int n = 0; n < N; n++) {
      for (int k = 0; k < K; k++) {
        int blk = n * q.kBlocks() + k / 16;
        float s = q.params().scale(blk);
        int zp = q.params().zeroPoint(blk);
        long qmin = type.qmin(type == QuantType.INT4 ? QuantRule.SYMMETRIC : QuantRule.ASYMMETRIC);
        long qmax = type.fullMax();
        long v = Math.max(qmin, Math.min(qmax, Math.round(Math.rint(b[k * N + n] / s)) + zp));
        y[n] += x()[k] * (v - zp) * s;
      }
    }
    return y;
  }

  private static void runsInOnnxRuntime(OnnxModel model, QuantType type) {
    WeightQuantization w = new WeightQuantization(type, true, type == QuantType.INT4, false, 16);
    QdqModel q = QdqExporter.export(model, GraphAnalyzer.analyze(model),
        Map.of("x", X, "y", Y), w);
    GraphProto g = q.model().graph();
    NodeProto nbits = g.getNodeList().stream()
        .filter(n -> n.getOpType().equals("MatMulNBits")).findFirst().orElseThrow();
    assertEquals("com.microsoft", nbits.getDomain());
    assertEquals(16, Attributes.getInt(nbits, "block_size", -1));
    assertEquals(1, q.model().opsetVersion("com.microsoft"));

    float[] y = OrtSupport.run(q.toByteArray(), "x", x(), 1, K).floats("y");

    float[] want = expected(NibbleBlocks.quantize("B", weights(), K, N, false, 16, type), type);
    for (int n = 0; n < N; n++) {
      want[n] += model.graph().getNodeList().get(0).getOpType().equals("Gemm") ? 0.25f * n : 0;
      // Within half of y's int16 step (6.1e-5) and float rounding.
      assertEquals(want[n], y[n], Y.scale(), "y[" + n + "] " + type);
    }
    assertTrue(OrtSupport.optimizedOpTypes(q.toByteArray()).contains("MatMulNBits"));
  }

  @Test
  void matMulWithFourBitWeightsRunsAsMatMulNBitsInOnnxRuntime() {
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, 1, K).output("y", ElementType.FLOAT32, 1, N)
        .floatInit("B", weights(), K, N)
        .node("MatMul", "mm", List.of("x", "B"), List.of("y"))
        .model("matmul4.onnx");
    runsInOnnxRuntime(model, QuantType.INT4);
    runsInOnnxRuntime(model, QuantType.UINT4);
  }

  @Test
  void gemmWithTransposedWeightAndBiasRunsAsMatMulNBits() {
    float[] t = transposed(weights());
    // C = [0, 0.5] with beta 0.5: MatMulNBits' bias is C * beta = [0, 0.25].
    OnnxModel model = new GraphBuilder().opset(13)
        .input("x", ElementType.FLOAT32, 1, K).output("y", ElementType.FLOAT32, 1, N)
        .floatInit("W", t, N, K).floatInit("C", new float[] {0f, 0.5f}, N)
        .node("Gemm", "gemm", List.of("x", "W", "C"), List.of("y"), intAttr("transB", 1),
            GraphBuilder.floatAttr("beta", 0.5f))
        .model("gemm4.onnx");
    runsInOnnxRuntime(model, QuantType.INT4);
    runsInOnnxRuntime(model, QuantType.UINT4);
  }
}
