package org.qcal.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.qcal.kernels.RangeScan;
import org.qcal.kernels.ScalarKernels;
import org.qcal.kernels.TensorKernels;
import org.qcal.kernels.VectorKernels;

/**
 * Every kernel, vector against scalar, on 1 M floats shaped like an activation tensor (a
 * Gaussian bulk and a few far outliers), plus two plain vectorized sums over the same array as
 * memory-speed yardsticks. Results and the command are in docs/BENCHMARKS.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelsBenchmark {
  static final int SIZE = 1 << 20;
  static final int BINS_PER_SIDE = 2048;

  /** The input tensor, its quantization parameters and histogram grid, shared by all runs. */
  @State(Scope.Benchmark)
  public static class Data {
    float[] values;
    /** max(0, values): a Relu output, half of it exact zeros. */
    float[] reluValues;
    float[] fakeQuantized;
    byte[] quantized;
    float scale;
    int zeroPoint;
    float invWidth;
    int negBins;
    int posBins;

    @Setup
    public void setUp() {
      Random random = new Random(20240601);
      values = new float[SIZE];
      for (int i = 0; i < SIZE; i++) {
        values[i] = random.nextInt(10_000) == 0
            ? (random.nextBoolean() ? 1 : -1) * (20 + 30 * random.nextFloat())
            : (float) (0.5 + random.nextGaussian());
      }
      reluValues = new float[SIZE];
      for (int i = 0; i < SIZE; i++) {
        reluValues[i] = Math.max(0f, values[i] - 0.5f);
      }
      RangeScan range = new RangeScan();
      new ScalarKernels().scan(values, 0, SIZE, range);
      float min = Math.min(range.min, 0f);
      float max = Math.max(range.max, 0f);
      // uint8 asymmetric, and the zero-aligned grid of docs/DESIGN.md
      scale = (max - min) / 255;
      zeroPoint = Math.round(-min / scale);
      float width = Math.max(-min, max) / BINS_PER_SIDE;
      invWidth = 1 / width;
      negBins = (int) Math.ceil(-min / width);
      posBins = (int) Math.ceil(max / width);
      quantized = new byte[SIZE];
      fakeQuantized = new float[SIZE];
      TensorKernels scalar = new ScalarKernels();
      scalar.quantize(values, 0, SIZE, scale, zeroPoint, 0, 255, quantized, 0);
      scalar.fakeQuantize(values, 0, SIZE, scale, zeroPoint, 0, 255, fakeQuantized, 0);
    }
  }

  /** One implementation and the output buffers of one benchmark thread. */
  @State(Scope.Thread)
  public static class Kernel {
    /** vector-zeros-in-place: the vector kernels without the histogram's zero spreading. */
    @Param({"vector", "scalar", "vector-zeros-in-place"})
    String impl;

    TensorKernels kernels;
    RangeScan scan = new RangeScan();
    long[] counts;
    byte[] bytes = new byte[SIZE];
    float[] floats = new float[SIZE];
    double[] sums = new double[4];

    @Setup
    public void setUp(Data data) {
      kernels = switch (impl) {
        case "vector" -> new VectorKernels();
        case "vector-zeros-in-place" -> VectorKernels.countingZerosInPlace();
        default -> new ScalarKernels();
      };
      counts = new long[data.negBins + data.posBins];
    }
  }

  @Benchmark
  public RangeScan scan(Data d, Kernel k) {
    k.kernels.scan(d.values, 0, SIZE, k.scan);
    return k.scan;
  }

  @Benchmark
  public long[] histogram(Data d, Kernel k) {
    k.kernels.histogram(d.values, 0, SIZE, d.invWidth, d.negBins, d.posBins, k.counts);
    return k.counts;
  }

  /** The same grid over the Relu output: the counting of many equal bins (zeros). */
  @Benchmark
  public long[] histogramRelu(Data d, Kernel k) {
    k.kernels.histogram(d.reluValues, 0, SIZE, d.invWidth, d.negBins, d.posBins, k.counts);
    return k.counts;
  }

  @Benchmark
  public byte[] quantize(Data d, Kernel k) {
    k.kernels.quantize(d.values, 0, SIZE, d.scale, d.zeroPoint, 0, 255, k.bytes, 0);
    return k.bytes;
  }

  @Benchmark
  public float[] dequantize(Data d, Kernel k) {
    k.kernels.dequantize(d.quantized, 0, SIZE, true, d.scale, d.zeroPoint, k.floats, 0);
    return k.floats;
  }

  @Benchmark
  public float[] fakeQuantize(Data d, Kernel k) {
    k.kernels.fakeQuantize(d.values, 0, SIZE, d.scale, d.zeroPoint, 0, 255, k.floats, 0);
    return k.floats;
  }

  @Benchmark
  public double[] errorSums(Data d, Kernel k) {
    k.kernels.errorSums(d.values, 0, d.fakeQuantized, 0, SIZE, k.sums);
    return k.sums;
  }

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;

  /**
   * The yardstick: the plain vectorized sum, one 256-bit accumulator. Its loop is as short as a
   * loop over the array gets, so a kernel near it runs at the speed of a single pass.
   */
  @Benchmark
  public float yardstickSum(Data d) {
    float[] a = d.values;
    FloatVector sum = FloatVector.zero(FLOATS);
    for (int i = 0; i < SIZE; i += FLOATS.length()) {
      sum = sum.add(FloatVector.fromArray(FLOATS, a, i));
    }
    return sum.reduceLanes(VectorOperators.ADD);
  }

  /**
   * The same sum with four accumulators, so that the latency of one addition per step no longer
   * limits it: how fast this core reads the (cache-resident) array.
   */
  @Benchmark
  public float readSpeedSum(Data d) {
    float[] a = d.values;
    FloatVector s0 = FloatVector.zero(FLOATS);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int step = FLOATS.length();
    for (int i = 0; i < SIZE; i += 4 * step) {
      s0 = s0.add(FloatVector.fromArray(FLOATS, a, i));
      s1 = s1.add(FloatVector.fromArray(FLOATS, a, i + step));
      s2 = s2.add(FloatVector.fromArray(FLOATS, a, i + 2 * step));
      s3 = s3.add(FloatVector.fromArray(FLOATS, a, i + 3 * step));
    }
    return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
  }
}
