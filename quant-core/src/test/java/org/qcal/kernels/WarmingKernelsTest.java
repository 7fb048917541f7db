package org.qcal.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link WarmingKernels}: every call gives what the scalar kernels give, bit for bit, before,
 * during and after the switch to the vector kernels; and every kernel does switch.
 */
class WarmingKernelsTest {
  /** Far above a warm-up on an idle machine (about a second per kernel), for loaded CI hosts. */
  private static final long WAIT_SECONDS = KernelWarmup.LIMIT_SECONDS + 60;

  private final TensorKernels scalar = new ScalarKernels();

  @Test
  void callsGiveTheScalarResultsBeforeDuringAndAfterTheSwitch() throws Exception {
    WarmingKernels warming = new WarmingKernels(new VectorKernels(), scalar);
    Random random = new Random(3);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    int coldCalls = 0;
    int calls = 0;
    boolean allWarm = false;
    // Keep calling until every kernel serves from its vector twin, then once more.
    while (!allWarm && System.nanoTime() < deadline) {
      allWarm = Arrays.stream(WarmingKernels.Kernel.values()).allMatch(warming::isWarm);
      coldCalls += allWarm ? 0 : 1;
      float[] a = VectorKernelsTest.Values.mixed(random, 1 + random.nextInt(3000), 0.25f, 4f);
      int off = random.nextInt(Math.min(9, a.length));
      assertSameAsScalar(warming, a, off, a.length - off, " at call " + calls++);
      Thread.sleep(coldCalls % 50 == 0 ? 20 : 0); // leave the warm-up thread a core now and then
    }
    assertTrue(allWarm, "every kernel switched to the vector kernels within " + WAIT_SECONDS
        + " s");
    assertTrue(coldCalls > 0, "the first calls ran before the warm-up finished");
  }

  @Test
  void nameIsTheVectorKernelsName() {
    WarmingKernels warming = new WarmingKernels(new VectorKernels(), scalar);
    assertEquals(new VectorKernels().name(), warming.name());
  }

  private void assertSameAsScalar(TensorKernels warming, float[] a, int off, int len, String at) {
    RangeScan want = new RangeScan();
    RangeScan got = new RangeScan();
    scalar.scan(a, off, len, want);
    warming.scan(a, off, len, got);
    assertEquals(Float.floatToRawIntBits(want.min), Float.floatToRawIntBits(got.min), "min" + at);
    assertEquals(Float.floatToRawIntBits(want.max), Float.floatToRawIntBits(got.max), "max" + at);
    assertEquals(Double.doubleToRawLongBits(want.sum), Double.doubleToRawLongBits(got.sum),
        "sum" + at);
    assertEquals(Double.doubleToRawLongBits(want.sumSquares),
        Double.doubleToRawLongBits(got.sumSquares), "sum of squares" + at);

    long[] wantCounts = new long[4096];
    long[] gotCounts = new long[4096];
    scalar.histogram(a, off, len, 4f, 2048, 2048, wantCounts);
    warming.histogram(a, off, len, 4f, 2048, 2048, gotCounts);
    assertArrayEquals(wantCounts, gotCounts, "histogram" + at);

    byte[] wantBytes = new byte[len];
    byte[] gotBytes = new byte[len];
    scalar.quantize(a, off, len, 0.25f, 128, 0, 255, wantBytes, 0);
    warming.quantize(a, off, len, 0.25f, 128, 0, 255, gotBytes, 0);
    assertArrayEquals(wantBytes, gotBytes, "quantize to bytes" + at);

    short[] wantShorts = new short[len];
    short[] gotShorts = new short[len];
    scalar.quantize(a, off, len, 1e-3f, 0, -32768, 32767, wantShorts, 0);
    warming.quantize(a, off, len, 1e-3f, 0, -32768, 32767, gotShorts, 0);
    assertArrayEquals(wantShorts, gotShorts, "quantize to shorts" + at);

    float[] wantFloats = new float[len];
    float[] gotFloats = new float[len];
    scalar.dequantize(wantBytes, 0, len, true, 0.25f, 128, wantFloats, 0);
    warming.dequantize(wantBytes, 0, len, true, 0.25f, 128, gotFloats, 0);
    assertArrayEquals(bits(wantFloats), bits(gotFloats), "dequantize" + at);

    scalar.fakeQuantize(a, off, len, 0.25f, 128, 0, 255, wantFloats, 0);
    warming.fakeQuantize(a, off, len, 0.25f, 128, 0, 255, gotFloats, 0);
    assertArrayEquals(bits(wantFloats), bits(gotFloats), "fake-quantize" + at);

    double[] wantSums = new double[4];
    double[] gotSums = new double[4];
    scalar.errorSums(a, off, wantFloats, 0, len, wantSums);
    warming.errorSums(a, off, wantFloats, 0, len, gotSums);
    for (int k = 0; k < 4; k++) {
      assertEquals(Double.doubleToRawLongBits(wantSums[k]), Double.doubleToRawLongBits(gotSums[k]),
          "error sum " + k + at);
    }

    // The one kernel that is an estimate: within its error, not bit for bit.
    double[] p = new double[len];
    double[] q = new double[len];
    for (int i = 0; i < len; i++) {
      p[i] = Math.abs(a[off + i]) + 1e-4;
      q[i] = Math.abs(wantFloats[i]) + 1e-4;
    }
    assertEquals(scalar.divergenceEstimate(p, q, len), warming.divergenceEstimate(p, q, len),
        2 * TensorKernels.divergenceEstimateError(len), "divergence estimate" + at);
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
