package org.qcal.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.qcal.calib.CalibrationMethod;
import org.qcal.calib.Range;
import org.qcal.jobs.api.BiasShifts;
import org.qcal.jobs.api.SmoothingScales;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.GraphSummary;
import org.qcal.jobs.api.MethodComparison;
import org.qcal.jobs.api.QuantizedExport;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.quant.QuantParams;
import org.qcal.stats.TensorStats;

/**
 * {@code calibration.json}, schema {@value #SCHEMA} (docs/DESIGN.md "Outputs"): the model
 * digest, the dataset, the sample count, the run's settings, every exported recipe (name,
 * recipe, sha256 of its QDQ model) and the chosen one's name; per tensor the statistics, the
 * range of each method, the parameters each recipe gives it and the chosen export's parameters
 * and range; the chosen export's weights and biases. Nothing in it depends on time, host or
 * partitioning, so the same inputs give the same bytes. {@link #read} gives back what {@code
 * validate --calibration} needs to rebuild every export byte for byte.
 */
public final class CalibrationJson {
  /** Bumped on any incompatible change of the layout below. */
  public static final String SCHEMA = "qcal.calibration/2";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private CalibrationJson() {}

  public static byte[] write(CalibrationResult result) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    ObjectNode model = root.putObject("model");
    model.put("path", result.modelPath());
    model.put("sha256", result.modelDigest());
    ObjectNode dataset = root.putObject("dataset");
    dataset.put("path", result.dataPath());
    dataset.put("format", result.dataFormat());
    ObjectNode inputs = dataset.putObject("inputs");
    result.inputColumns().forEach(inputs::put);
    root.put("samples", result.samples());
    root.set("graph", graph(result.graph()));
    root.set("settings", settings(result));
    ArrayNode recipes = root.putArray("recipes");
    for (QuantizedExport e : result.exports()) {
      ObjectNode r = RecipeJson.write(e.recipe(), MAPPER.createObjectNode().put("name", e.name()));
      r.put("sha256", e.sha256());
      recipes.add(r);
    }
    root.put("chosen", result.chosen().name());
    root.set("chosenBy", chosenBy(result.comparison()));
    ArrayNode tensors = root.putArray("tensors");
    for (TensorCalibration t : result.tensors()) {
      tensors.add(tensor(t, result.exports(), result.chosen()));
    }
    root.set("weights", params(result.weightParams()));
    root.set("biases", params(result.biasParams()));
    if (!result.biasShifts().isEmpty()) {
      root.set("biasShifts", biasShifts(result.biasShifts()));
    }
    if (result.parameters().smoothQuant()) {
      root.set("smoothQuant", smoothing(result.smoothing()));
    }
    ArrayNode notes = root.putArray("notes");
    result.notes().forEach(notes::add);
    if (result.kernels() != null) {
      ObjectNode kernels = root.putObject("int8Kernels");
      kernels.put("quantizedNodes", result.kernels().quantizedNodes());
      ObjectNode ops = kernels.putObject("ops");
      result.kernels().int8Ops().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> ops.put(e.getKey(), e.getValue()));
      ArrayNode leftFloat = kernels.putArray("leftFloat");
      result.kernels().leftFloat().forEach(leftFloat::add);
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write calibration.json", e);
    }
  }

  /**
   * Bias correction's shift per output channel of each corrected node (its index in the graph
   * qcal quantizes, and its label), which every export subtracts from that node's bias.
   */
  private static ArrayNode biasShifts(BiasShifts shifts) {
    ArrayNode nodes = MAPPER.createArrayNode();
    shifts.byNode().forEach((node, shift) -> {
      ObjectNode n = nodes.addObject();
      n.put("node", node);
      n.put("name", shifts.labels().get(node));
      ArrayNode values = n.putArray("shift");
      for (float v : shift) {
        values.add(v);
      }
    });
    return nodes;
  }

  /**
   * SmoothQuant's scales per smoothed activation (its name in the model given, and the indices of
   * the MatMul/Gemm nodes whose weights absorb them), which every export folds in first, and the
   * per-channel max |x| they came from.
   */
  private static ObjectNode smoothing(SmoothingScales smoothing) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("alpha", smoothing.alpha());
    ArrayNode sites = node.putArray("sites");
    for (SmoothingScales.Site site : smoothing.sites()) {
      ObjectNode n = sites.addObject();
      n.put("input", site.input());
      ArrayNode linears = n.putArray("nodes");
      site.linears().forEach(linears::add);
      floats(n.putArray("scale"), site.scale());
      floats(n.putArray("activationMax"), site.activationMax());
    }
    return node;
  }

  private static void floats(ArrayNode into, float[] values) {
    for (float v : values) {
      into.add(v);
    }
  }

  /** How the exported method was chosen: given, or measured by {@code --choose auto}. */
  private static ObjectNode chosenBy(MethodComparison comparison) {
    ObjectNode node = MAPPER.createObjectNode();
    if (comparison == null) {
      node.put("rule", "given");
      return node;
    }
    node.put("rule", "auto");
    node.put("rows", comparison.rows());
    node.put("output", comparison.output());
    ObjectNode sqnr = node.putObject("outputSqnrDb");
    // JSON has no NaN or infinity: an output identical to FP32 or NaN is written as null.
    comparison.sqnrDb().forEach((method, db) -> {
      if (Double.isFinite(db)) {
        sqnr.put(method.id(), db);
      } else {
        sqnr.putNull(method.id());
      }
    });
    return node;
  }

  private static ObjectNode settings(CalibrationResult result) {
    var p = result.parameters();
    ObjectNode s = MAPPER.createObjectNode();
    ArrayNode methods = s.putArray("methods");
    p.methods().forEach(m -> methods.add(m.id()));
    s.put("binsPerSide", p.bins());
    s.put("passes", p.passes());
    s.put("biasCorrection", p.biasCorrection());
    s.put("smoothQuant", p.smoothQuant());
    if (p.smoothQuant()) {
      s.put("smoothQuantAlpha", p.smoothQuantAlpha());
    }
    s.put("batchSize", p.batchSize());
    s.put("choose", p.choose().id());
    // The recipe every method's export shares; the exports' own are under "recipes".
    s.set("recipe", RecipeJson.write(p.recipe(), MAPPER.createObjectNode()));
    return s;
  }

  private static ObjectNode tensor(TensorCalibration t, List<QuantizedExport> exports,
      QuantizedExport chosen) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", t.name());
    ArrayNode shared = node.putArray("sharedBy");
    t.sharedBy().forEach(shared::add);
    node.set("stats", stats(t.stats()));
    if (t.histogram() != null) {
      ObjectNode grid = node.putObject("histogram");
      grid.put("binWidth", t.histogram().grid().width());
      grid.put("negativeBins", t.histogram().grid().negBins());
      grid.put("positiveBins", t.histogram().grid().posBins());
    }
    ObjectNode ranges = node.putObject("ranges");
    for (Map.Entry<CalibrationMethod, Range> e : t.ranges().entrySet()) {
      ObjectNode r = ranges.putObject(e.getKey().id());
      r.put("min", e.getValue().min());
      r.put("max", e.getValue().max());
    }
    // Per export that quantizes this tensor: what validate --calibration exports again.
    ObjectNode params = node.putObject("params");
    for (QuantizedExport e : exports) {
      QuantParams p = e.activations().get(t.name());
      if (p != null) {
        params.set(e.name(), param(p));
      }
    }
    QuantParams p = chosen.activations().get(t.name());
    if (p != null) { // absent: the chosen export keeps it in float
      ObjectNode c = param(p);
      Range range = chosen.ranges().get(t.name());
      c.put("min", range.min());
      c.put("max", range.max());
      c.put("amax", (double) range.amax());
      node.set("chosen", c);
    }
    return node;
  }

  /** The counts of GraphSummary: what is tapped, what is quantized, what stays float. */
  private static ObjectNode graph(GraphSummary g) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("nodes", g.nodes());
    node.put("quantizedNodes", g.quantizedNodes());
    node.put("tappedTensors", g.tappedTensors());
    node.put("weights", g.weights());
    node.put("biases", g.biases());
    node.put("foldedBatchNorms", g.foldedBatchNorms());
    ObjectNode floats = node.putObject("floatNodes");
    g.floatNodes().forEach(floats::put);
    return node;
  }

  private static ObjectNode stats(TensorStats s) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("count", s.count());
    node.put("samples", s.samples());
    node.put("nan", s.nanCount());
    node.put("posInf", s.posInfCount());
    node.put("negInf", s.negInfCount());
    node.put("min", s.min());
    node.put("max", s.max());
    node.put("absMax", s.absMax());
    node.put("mean", s.mean());
    node.put("std", s.std());
    node.put("meanSampleMin", s.meanSampleMin());
    node.put("meanSampleMax", s.meanSampleMax());
    // false: the tensor's first dim was not the rows fed, so the means above are min and max
    node.put("perSample", !s.unbatched());
    return node;
  }

  private static ObjectNode params(Map<String, QuantParams> byName) {
    ObjectNode node = MAPPER.createObjectNode();
    byName.forEach((name, p) -> node.set(name, param(p)));
    return node;
  }

  private static ObjectNode param(QuantParams p) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", p.type().toString());
    if (p.isPerChannel()) {
      node.put("axis", p.axis());
      ArrayNode scales = node.putArray("scales");
      for (float s : p.scales()) {
        scales.add(s);
      }
      ArrayNode zeroPoints = node.putArray("zeroPoints");
      for (int z : p.zeroPoints()) {
        zeroPoints.add(z);
      }
    } else {
      node.put("scale", p.scale());
      node.put("zeroPoint", p.zeroPoint());
    }
    return node;
  }
}
