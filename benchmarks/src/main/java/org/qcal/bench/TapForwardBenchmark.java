package org.qcal.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.qcal.ElementType;
import org.qcal.onnx.BatchNormFolding;
import org.qcal.onnx.CalibrationPlan;
import org.qcal.onnx.GraphAnalyzer;
import org.qcal.onnx.OnnxModel;
import org.qcal.onnx.TapAugmenter;
import org.qcal.onnx.TapsInFusions;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TypeProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.OptimizedModelWriter;
import org.qcal.runtime.OrtEnv;

/**
 * The tap model benchmark of issue 13 (a command, not a test): per model, ONNX Runtime forwards
 * of the plain model against its tap models on the same batch (Gaussian values, batch 64 where
 * the batch dim is dynamic), one intra-op thread, in one JVM, through ORT's Java API so that
 * only the forward is timed (no copy out, no statistics). Variants, each at the optimization
 * level given: the plain model as given (EXTENDED, what calibrate ran its tap models at before,
 * and ALL, what validate and transform run); the tap model of before issue 13 (the head of each
 * params-sharing chain, {@link #chainHeads}) at both levels; the tap model calibrate runs now
 * ({@link CalibrationPlan#tappedTensors()} at ALL); and two diagnostics of what the latter still
 * costs. Each round runs every variant in turn, the order rotating from round to round, so that a
 * busy machine slows all of them alike; the table gives the fastest and the median forward in
 * wall time, and the median in the calling thread's CPU time (ONNX Runtime computes on the
 * calling thread with one intra-op thread), which the ratios use: the machine is shared. Run
 * with {@code benchmarks/tap-bench.sh}.
 */
public final class TapForwardBenchmark {
  /** Rows per forward where the batch dim is dynamic: 64, or the system property below. */
  private static final int BATCH = Integer.getInteger("qcal.bench.batch", 64);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int forwards = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<Path> models = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      models.add(Path.of(args[i]));
    }
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "batch %d, 1 intra-op thread, %d rounds x %d forwards per variant%n%n", BATCH, rounds,
        forwards));
    report.append("| model | variant, optimization level | taps | wall ms min | wall ms median"
        + " | CPU ms median | / plain extended | / plain all |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (Path model : models) {
      report.append(benchmark(model, rounds, forwards));
      System.out.println(report);
    }
    System.out.println("\n=== RESULT ===\n" + report);
  }

  private static String benchmark(Path path, int rounds, int forwards)
      throws OrtException, IOException {
    OnnxModel model = OnnxModel.load(path);
    OnnxModel folded = BatchNormFolding.fold(model).model();
    CalibrationPlan plan = GraphAnalyzer.analyze(folded);
    byte[] before = TapAugmenter.augment(folded, chainHeads(plan)).toByteArray();
    byte[] now = TapAugmenter.augment(folded, plan).toByteArray();
    List<Variant> variants = new ArrayList<>();
    for (GraphOptLevel level : List.of(GraphOptLevel.EXTENDED, GraphOptLevel.ALL)) {
      variants.add(new Variant("plain", 0, model.toByteArray(), level));
      variants.add(new Variant("tap before issue 13", chainHeads(plan).size(), before, level));
    }
    variants.add(new Variant("tap now", plan.tappedTensors().size(), now, GraphOptLevel.ALL));
    // Diagnostics of what is left: the tap model without the taps that stop a fusion, without
    // those ORT copies back from its NCHWc layout for their graph output, with its outputs
    // written into buffers allocated once (ONNX Runtime's pinned outputs) instead of fresh ones
    // per forward, and with each tapped tensor reduced in the graph to its per-row minimum and
    // maximum (what pass 1 of minmax needs; not the sums and histograms of other methods): the
    // cost of the taps' values leaving the graph.
    List<String> fused = TapsInFusions.find(folded, plan.tappedTensors()).stream()
        .map(TapsInFusions.Fusion::tensor).toList();
    if (!fused.isEmpty()) {
      List<String> unfused = new ArrayList<>(plan.tappedTensors());
      unfused.removeAll(fused);
      variants.add(new Variant("tap now without the " + fused.size() + " inside fusions",
          unfused.size(), TapAugmenter.augment(folded, unfused).toByteArray(), GraphOptLevel.ALL));
    }
    List<String> reordered = reorderedForTaps(model.toByteArray(), now, plan.tappedTensors());
    if (!reordered.isEmpty()) {
      List<String> kept = new ArrayList<>(plan.tappedTensors());
      kept.removeAll(reordered);
      variants.add(new Variant("tap now without the " + reordered.size() + " copied from NCHWc",
          kept.size(), TapAugmenter.augment(folded, kept).toByteArray(), GraphOptLevel.ALL));
    }
    variants.add(new Variant("tap now, outputs preallocated", plan.tappedTensors().size(), now,
        GraphOptLevel.ALL, true));
    if (model.onnxOpset() < 18) { // ReduceMax takes its axes as an input from opset 18
      variants.add(new Variant("tap now as in-graph per-row min and max",
          plan.tappedTensors().size(), extremes(folded, plan.tappedTensors()),
          GraphOptLevel.ALL));
    }
    OrtEnvironment env = OrtEnv.get();
    List<Timed> timed = new ArrayList<>();
    try {
      for (Variant v : variants) {
        timed.add(new Timed(v, env));
      }
      Map<String, OnnxTensor> inputs = inputs(env, timed.get(0).session);
      for (Timed t : timed) {
        t.forward(inputs); // warm-up: first-run allocations and lazy initialisation
      }
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < timed.size(); k++) {
          Timed t = timed.get((k + round) % timed.size());
          for (int f = 0; f < forwards; f++) {
            t.forward(inputs);
          }
        }
      }
      inputs.values().forEach(OnnxTensor::close);
    } finally {
      timed.forEach(Timed::close);
    }
    double plainExtended = timed.get(0).cpuMedian();
    double plainAll = timed.get(2).cpuMedian();
    StringBuilder rows = new StringBuilder();
    for (Timed t : timed) {
      rows.append(String.format(Locale.ROOT,
          "| %s | %s, %s | %d | %.3f | %.3f | %.3f | %.2f | %.2f |%n", path.getFileName(),
          t.variant.name, t.variant.level.name().toLowerCase(Locale.ROOT), t.variant.taps,
          t.wall.min(), t.wall.median(), t.cpuMedian(), t.cpuMedian() / plainExtended,
          t.cpuMedian() / plainAll));
    }
    return rows.toString();
  }

  /**
   * What calibrate tapped before issue 13: the head of each params-sharing chain, i.e. the first
   * of each alias group in graph order (the Relu before a MaxPool, not the MaxPool's output).
   */
  private static List<String> chainHeads(CalibrationPlan plan) {
    Set<String> heads = new LinkedHashSet<>();
    for (String tensor : plan.quantizedTensors()) {
      List<String> group = plan.aliasGroups().get(plan.paramsSource(tensor));
      heads.add(plan.quantizedTensors().stream().filter(group::contains).findFirst()
          .orElseThrow());
    }
    return List.copyOf(heads);
  }

  /**
   * {@code model} with, for every tensor of {@code tapped}, its per-row minimum and maximum as
   * graph outputs ({@code Flatten(axis 1) -> ReduceMin/ReduceMax(axes [1])}, right after the
   * tensor's producer, so that ONNX Runtime, which runs nodes in the graph's order where it can,
   * reduces each tensor while it is fresh) instead of itself.
   */
  private static byte[] extremes(OnnxModel model, List<String> tapped) {
    GraphProto.Builder g = model.graph().toBuilder().clearNode();
    for (ValueInfoProto input : model.graph().getInputList()) {
      if (tapped.contains(input.getName())) {
        reduce(g, input.getName());
      }
    }
    for (NodeProto n : model.graph().getNodeList()) {
      g.addNode(n);
      n.getOutputList().stream().filter(tapped::contains).forEach(t -> reduce(g, t));
    }
    return model.proto().toBuilder().setGraph(g).build().toByteArray();
  }

  private static void reduce(GraphProto.Builder g, String tensor) {
    g.addNode(NodeProto.newBuilder().setOpType("Flatten").addInput(tensor)
        .addOutput(tensor + "/rows").addAttribute(AttributeProto.newBuilder().setName("axis")
            .setI(1).setType(AttributeProto.AttributeType.INT)));
    for (String op : List.of("ReduceMin", "ReduceMax")) {
      g.addNode(NodeProto.newBuilder().setOpType(op).addInput(tensor + "/rows")
          .addOutput(tensor + "/" + op)
          .addAttribute(AttributeProto.newBuilder().setName("axes").addInts(1)
              .setType(AttributeProto.AttributeType.INTS))
          .addAttribute(AttributeProto.newBuilder().setName("keepdims").setI(0)
              .setType(AttributeProto.AttributeType.INT)));
      g.addOutput(ValueInfoProto.newBuilder().setName(tensor + "/" + op)
          .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
              .setElemType(ElementType.FLOAT32.code()))));
    }
  }

  /**
   * The tapped tensors that ONNX Runtime's optimized tap model (level ALL) copies back from the
   * NCHWc layout for their graph output (a ReorderOutput writes them) and its optimized plain
   * model does not.
   */
  private static List<String> reorderedForTaps(byte[] plain, byte[] tap, List<String> tapped)
      throws IOException {
    Set<String> inPlain = new LinkedHashSet<>();
    optimized(plain).forEach(n -> inPlain.addAll(n.getOutputList()));
    List<String> reordered = new ArrayList<>();
    for (NodeProto n : optimized(tap)) {
      for (String out : n.getOutputList()) {
        if (n.getOpType().equals("ReorderOutput") && tapped.contains(out)
            && !inPlain.contains(out)) {
          reordered.add(out);
        }
      }
    }
    return reordered;
  }

  private static List<NodeProto> optimized(byte[] model) throws IOException {
    return ModelProto.parseFrom(OptimizedModelWriter.optimize(ModelSource.of("bench", model),
        GraphOptLevel.ALL)).getGraph().getNodeList();
  }

  /** A batch of Gaussian values for every float input; the dynamic batch dim is {@link #BATCH}. */
  private static Map<String, OnnxTensor> inputs(OrtEnvironment env, OrtSession session)
      throws OrtException {
    Random random = new Random(13);
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
      long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape().clone();
      for (int d = 0; d < shape.length; d++) {
        if (shape[d] < 0) {
          if (d > 0) {
            throw new IllegalArgumentException("input " + e.getKey() + " has a dynamic dim "
                + d + " besides the batch: give a model with fixed sample shapes");
          }
          shape[d] = BATCH;
        }
      }
      float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      inputs.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape));
    }
    return inputs;
  }

  private record Variant(String name, int taps, byte[] bytes, GraphOptLevel level,
      boolean preallocated) {
    Variant(String name, int taps, byte[] bytes, GraphOptLevel level) {
      this(name, taps, bytes, level, false);
    }
  }

  /** A variant's session and the times of its forwards. */
  private static final class Timed implements AutoCloseable {
    final Variant variant;
    final OrtEnvironment env;
    final OrtSession session;
    final Samples wall = new Samples();
    final Samples cpu = new Samples();
    /** The preallocated outputs, made at the first forward of a preallocated variant. */
    private Map<String, OnnxTensor> outputs;

    Timed(Variant variant, OrtEnvironment env) throws OrtException {
      this.variant = variant;
      this.env = env;
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(variant.level.toOrt());
        this.session = env.createSession(variant.bytes, options);
      }
    }

    /** One forward fetching every graph output, as a calibration pass does. */
    void forward(Map<String, OnnxTensor> inputs) throws OrtException {
      if (variant.preallocated && outputs == null) {
        outputs = new LinkedHashMap<>();
        try (OrtSession.Result first = session.run(inputs)) {
          for (Map.Entry<String, OnnxValue> e : first) {
            long[] shape = ((TensorInfo) e.getValue().getInfo()).getShape();
            int n = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
            outputs.put(e.getKey(), OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(4 * n)
                .order(ByteOrder.nativeOrder()).asFloatBuffer(), shape));
          }
        }
      }
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      // Closing the result is timed too: it hands the outputs' memory back to ONNX Runtime.
      (outputs == null ? session.run(inputs) : session.run(inputs, outputs)).close();
      wall.add((System.nanoTime() - wall0) / 1e6);
      cpu.add((THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6);
    }


    double cpuMedian() {
      return cpu.median();
    }

    @Override
    public void close() {
      if (outputs != null) {
        outputs.values().forEach(OnnxTensor::close);
      }
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Milliseconds per forward. */
  private static final class Samples {
    private final List<Double> values = new ArrayList<>();

    void add(double ms) {
      values.add(ms);
    }

    double min() {
      return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double median() {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }
  }
}
