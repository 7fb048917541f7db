package org.qcal.onnx;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a calibration measures and what the QDQ export quantizes, from {@link GraphAnalyzer}.
 *
 * <ul>
 *   <li>{@link #tappedTensors()}: the tensors whose statistics the Spark passes collect, one per
 *       set of tensors that share params. Each is a graph output of the tap model.
 *   <li>{@link #quantizedTensors()}: every tensor that gets QuantizeLinear -> DequantizeLinear;
 *       {@link #paramsSource(String)} names the tapped tensor whose params it uses (itself, the
 *       input of a chain of sharing ops such as Flatten, or the output of a MaxPool that is the
 *       only reader of the chain's input: see {@link GraphAnalyzer}).
 *   <li>{@link #foldedTensors()}: outputs of ops whose only reader is a folded Relu/Clip (or a
 *       MatMul's bias Add): not quantized, the fused op writes the group output's params.
 *   <li>{@link #weights()}, {@link #biases()} and {@link #operands()}: constant inputs quantized
 *       on the driver.
 * </ul>
 *
 * Immutable and serializable, so the driver can keep it next to the statistics.
 */
public final class CalibrationPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String modelName;
  private final int nodeCount;
  private final List<String> tapped;
  private final List<String> quantized;
  private final Map<String, String> source;
  private final Map<String, String> folded;
  private final List<WeightSpec> weights;
  private final List<BiasSpec> biases;
  private final List<OperandSpec> operands;
  private final List<String> quantizedNodes;

  CalibrationPlan(String modelName, int nodeCount, List<String> quantized,
      Map<String, String> source, Map<String, String> folded, List<WeightSpec> weights,
      List<BiasSpec> biases, List<OperandSpec> operands, List<String> quantizedNodes) {
    this.modelName = modelName;
    this.nodeCount = nodeCount;
    this.quantized = List.copyOf(quantized);
    this.source = Collections.unmodifiableMap(new LinkedHashMap<>(source));
    this.folded = Collections.unmodifiableMap(new LinkedHashMap<>(folded));
    this.weights = List.copyOf(weights);
    this.biases = List.copyOf(biases);
    this.operands = List.copyOf(operands);
    this.quantizedNodes = List.copyOf(quantizedNodes);
    List<String> taps = new ArrayList<>();
    for (String t : quantized) {
      if (source.get(t).equals(t)) {
        taps.add(t);
      }
    }
    this.tapped = List.copyOf(taps);
  }

  /** The model the plan was made for. */
  public String modelName() {
    return modelName;
  }

  /** Number of nodes of the analysed graph, to detect a plan applied to another model. */
  public int nodeCount() {
    return nodeCount;
  }

  /** The tensors to measure, in graph order. */
  public List<String> tappedTensors() {
    return tapped;
  }

  /** Every tensor that gets Q/DQ in the export, in graph order. */
  public List<String> quantizedTensors() {
    return quantized;
  }

  /**
   * The tapped tensor whose params {@code tensor} uses: for quantized tensors (itself or the
   * tensor measured for its sharing chain) and for folded ones (the group output's); null for
   * any other tensor.
   */
  public String paramsSource(String tensor) {
    String s = source.get(tensor);
    return s != null ? s : folded.get(tensor);
  }

  /**
   * Tapped tensor -> every quantized tensor sharing its params: itself first, then the others in
   * graph order (a MaxPool output measured for its input comes after that input in the graph).
   */
  public Map<String, List<String>> aliasGroups() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String t : tapped) {
      groups.put(t, new ArrayList<>(List.of(t)));
    }
    for (String t : quantized) {
      if (!source.get(t).equals(t)) {
        groups.get(source.get(t)).add(t);
      }
    }
    groups.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(groups);
  }

  /** Folded tensor -> the tapped group output whose params the fused op writes. */
  public Map<String, String> foldedTensors() {
    return folded;
  }

  public List<WeightSpec> weights() {
    return weights;
  }

  public List<BiasSpec> biases() {
    return biases;
  }

  /** Constant operands of quantized Add/Mul nodes, quantized per tensor like activations. */
  public List<OperandSpec> operands() {
    return operands;
  }

  /** Labels of the nodes whose computation is quantized (anchors and other quantized ops). */
  public List<String> quantizedNodes() {
    return quantizedNodes;
  }

  @Override
  public String toString() {
    return "CalibrationPlan{" + modelName + ": " + tapped.size() + " tapped, "
        + quantized.size() + " quantized, " + folded.size() + " folded, " + weights.size()
        + " weights, " + biases.size() + " biases, " + operands.size() + " operands}";
  }
}
