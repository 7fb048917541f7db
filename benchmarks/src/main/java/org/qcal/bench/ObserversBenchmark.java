package org.qcal.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.qcal.stats.OnePassHistogram;
import org.qcal.stats.TensorStats;

/**
 * qcal's statistics on the activation tensors that benchmarks/observers/dump_activations.py
 * dumped, against PyTorch's observers on the same files (benchmarks/observers-bench.sh runs both
 * and prints the table; results in docs/BENCHMARKS.md). One thread; per call, one batch tensor
 * as calibrate's one pass sees it (CalibrationPasses.addStatsAndHistogram):
 *
 * <ul>
 *   <li>{@code minmax}: {@link TensorStats#updateBatch(float[], int, long[], int)}, the batch cut
 *       into its rows (min, max, NaN/Inf counts, exact sums);
 *   <li>{@code allMethods}: the same, then {@link OnePassHistogram#update} over the running
 *       range, 4096 bins per side (twice calibrate's default 2048, as its one pass uses);
 *   <li>{@code minMaxOnly}, not qcal: a min/max-only pass, the floor under {@code minmax}.
 * </ul>
 *
 * <p>The state accumulates over the calls of a trial, as the observers' does in the Python
 * timing: the same tensor again leaves the range, so the histogram does not coarsen, as
 * HistogramObserver does not re-bin. The state is returned to JMH, so the work cannot be
 * eliminated.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ObserversBenchmark {
  /** Bins per side of calibrate's one-pass histogram: 2 x the default 2048 (issue 13). */
  static final int BINS_PER_SIDE = 4096;

  /** One dumped tensor: {@code dir/tensor.npy}, float32, its first dim the batch rows. */
  @State(Scope.Benchmark)
  public static class Tensor {
    @Param("/tmp/qcal-obs-dump")
    String dir;

    @Param("resnet18.conv1")
    String tensor;

    float[] values;
    long[] shape;
    int rows;

    @Setup
    public void load() throws IOException {
      Npy npy = Npy.read(Files.readAllBytes(Path.of(dir, tensor + ".npy")));
      values = npy.values();
      shape = npy.shape();
      rows = (int) shape[0];
    }
  }

  /** Accumulating statistics of one benchmark thread (class comment). */
  @State(Scope.Thread)
  public static class Accumulated {
    TensorStats stats = new TensorStats();
    OnePassHistogram histogram = new OnePassHistogram(BINS_PER_SIDE);
  }

  @Benchmark
  public TensorStats minmax(Tensor t, Accumulated s) {
    return s.stats.updateBatch(t.values, 0, t.shape, t.rows);
  }

  @Benchmark
  public OnePassHistogram allMethods(Tensor t, Accumulated s) {
    TensorStats stats = s.stats.updateBatch(t.values, 0, t.shape, t.rows);
    if (!stats.hasNoFinite()) {
      s.histogram.update(t.values, 0, t.values.length, stats.min(), stats.max());
    }
    return s.histogram;
  }

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;

  /**
   * Not qcal: the floor of a pass that keeps only min and max (what MinMaxObserver computes),
   * vectorized as qcal's kernels are (256-bit), two accumulator pairs. Against {@link #minmax} it
   * shows what qcal's extra statistics (NaN/Inf counts, sums, per-row cuts) cost.
   */
  @Benchmark
  public float minMaxOnly(Tensor t) {
    float[] a = t.values;
    int step = FLOATS.length();
    FloatVector lo0 = FloatVector.broadcast(FLOATS, Float.POSITIVE_INFINITY);
    FloatVector hi0 = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
    FloatVector lo1 = lo0;
    FloatVector hi1 = hi0;
    int i = 0;
    for (; i <= a.length - 2 * step; i += 2 * step) {
      FloatVector v0 = FloatVector.fromArray(FLOATS, a, i);
      FloatVector v1 = FloatVector.fromArray(FLOATS, a, i + step);
      lo0 = lo0.min(v0);
      hi0 = hi0.max(v0);
      lo1 = lo1.min(v1);
      hi1 = hi1.max(v1);
    }
    float lo = lo0.min(lo1).reduceLanes(VectorOperators.MIN);
    float hi = hi0.max(hi1).reduceLanes(VectorOperators.MAX);
    for (; i < a.length; i++) {
      lo = Math.min(lo, a[i]);
      hi = Math.max(hi, a[i]);
    }
    return hi - lo;
  }

  /**
   * A little-endian float32, C-order .npy file, which is what numpy.save writes for such an array:
   * magic "\x93NUMPY", version, header length, a Python dict literal, then the data. Anything else
   * is refused. qcal's own header parser (org.qcal.jobs.data.NpyHeader) lives in the jobs
   * module, which the JMH jar leaves out (benchmarks/pom.xml: quant-core and JMH only), so the
   * benchmark reads the few fields it needs itself.
   */
  record Npy(long[] shape, float[] values) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy read(byte[] file) {
      if ((file[0] & 0xff) != 0x93
          || !"NUMPY".equals(new String(file, 1, 5, StandardCharsets.US_ASCII))) {
        throw new IllegalArgumentException("not a .npy file");
      }
      ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      // version 1 stores the header length in 2 bytes, versions 2 and 3 in 4
      boolean v1 = file[6] == 1;
      int headerStart = v1 ? 10 : 12;
      int headerLength = v1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
      String header = new String(file, headerStart, headerLength, StandardCharsets.ISO_8859_1);
      Matcher descr = DESCR.matcher(header);
      Matcher fortran = FORTRAN.matcher(header);
      Matcher dims = SHAPE.matcher(header);
      if (!descr.find() || !"<f4".equals(descr.group(1)) || !fortran.find()
          || !"False".equals(fortran.group(1)) || !dims.find()) {
        throw new IllegalArgumentException("expected a C-order <f4 array, header " + header);
      }
      String[] text = dims.group(1).replace(" ", "").split(",");
      long[] shape = new long[text.length];
      long elements = 1;
      for (int i = 0; i < text.length; i++) {
        shape[i] = Long.parseLong(text[i]);
        elements *= shape[i];
      }
      float[] values = new float[Math.toIntExact(elements)];
      b.position(headerStart + headerLength);
      b.asFloatBuffer().get(values);  // the view keeps the little-endian order
      return new Npy(shape, values);
    }
  }
}
